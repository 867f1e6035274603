import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => execFileSync('node', ['bin/yolo-studio.js', ...args], { encoding: 'utf8' });

describe('yolo-studio info', () => {
  it('prints upstream\'s table and summary line and writes --json', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ys-info-')), 'info.json');
    const text = cli('info', '--cfg', 'yolov5s.yaml', '--img', '640', '--json', out);
    expect(text).toContain('  9                -1  1    656896  models.common.SPPF                      [512, 512, 5]');
    expect(text).toContain("11                -1  1         0  torch.nn.modules.upsampling.Upsample    [None, 2, 'nearest']");
    expect(text).toContain('YOLOv5s summary: 214 layers, 7235389 parameters, 7235389 gradients, 16.6 GFLOPs');
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.layers).toBe(214);
    expect(j.parameters).toBe(7235389);
    expect(j.gflops).toBe(16.6);
    expect(j.state_dict_keys).toHaveLength(349);
    expect(j.state_dict_keys[348]).toBe('model.24.m.2.bias');
  });

  it('scales GFLOPs with --img and honours --nc', () => {
    const text = cli('info', '--cfg', 'yolov5n', '--nc', '3', '--img', '320');
    expect(text).toContain('Overriding model.yaml nc=80 with nc=3');
    expect(text).toContain('YOLOv5n summary: 214 layers, 1767976 parameters, 1767976 gradients, 1.1 GFLOPs');
  });

  it('fails clearly on a missing yaml', () => {
    expect(() => execFileSync('node', ['bin/yolo-studio.js', 'info', '--cfg', 'missing/model.yaml'], { stdio: 'pipe' }))
      .toThrowError(/missing\/model\.yaml: no such model yaml/);
  });
});
