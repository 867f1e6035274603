import { describe, expect, it } from 'vitest';
import { importProgressText, problemsLine, unpackCommand } from './progressText';

describe('importProgressText', () => {
  it('a zip being read: bytes as MB with one decimal', () => {
    expect(importProgressText({ phase: 'reading', done: 1048576, total: 22251859, unit: 'bytes' })).toBe('Reading zip… 1.0 / 21.2 MB');
    expect(importProgressText({ phase: 'reading', done: 0, total: 524288, unit: 'bytes' })).toBe('Reading zip… 0.0 / 0.5 MB');
  });
  it('files and images as counts, in every other phase or unit', () => {
    expect(importProgressText({ phase: 'reading', done: 3, total: 40, unit: 'files' })).toBe('Reading files… 3/40');
    expect(importProgressText({ phase: 'reading', done: 3, total: 40 })).toBe('Reading files… 3/40');
    expect(importProgressText({ phase: 'verifying', done: 12, total: 128 })).toBe('Checking images and labels… 12/128');
    expect(importProgressText({ phase: 'writing', done: 5, total: 128, unit: 'files' })).toBe('Storing in the browser… 5/128');
  });
});

describe('problemsLine', () => {
  const of = (...actions: ('dropped' | 'fixed' | 'warning')[]) => actions.map((action) => ({ action }));
  it('coco128: one warning and nothing else is "1 warning"', () => {
    expect(problemsLine(of('warning'))).toBe('1 warning');
  });
  it('counts each action with its own word and plural', () => {
    expect(problemsLine(of('dropped', 'dropped', 'fixed', 'warning', 'warning', 'warning'))).toBe('2 files left out, 1 fixed, 3 warnings');
    expect(problemsLine(of('dropped'))).toBe('1 file left out');
    expect(problemsLine(of('fixed', 'fixed'))).toBe('2 fixed');
    expect(problemsLine([])).toBe('');
  });
});

describe('unpackCommand', () => {
  it('is the README\'s unpack step for the saved name, quoted for the shell when it needs it', () => {
    expect(unpackCommand('sample-yolov5.zip')).toBe('cd yolov5 && unzip -q ../sample-yolov5.zip -d ..');
    expect(unpackCommand('my run (2).zip')).toBe("cd yolov5 && unzip -q '../my run (2).zip' -d ..");
  });
});
