import { describe, expect, it } from 'vitest';
import { applyRunMessage, appendCapped, phaseOnControl } from './runEvents';
import { emptyView } from './runSlice';

describe('run view reducer', () => {
  it('keeps series capped, recent points dense', () => {
    let s: number[] = [];
    for (let i = 0; i < 1000; i++) s = appendCapped(s, i, 100);
    expect(s.length).toBeLessThanOrEqual(100);
    expect(s.at(-1)).toBe(999);
    expect(s.slice(-10)).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    expect(s[0]).toBe(0);
  });

  it('folds steps, epochs and the end of a run into the view', () => {
    let v = emptyView('run-1', 'exp1', true);
    v = applyRunMessage(v, { type: 'runStarted', runId: 'run-1', backend: 'wasm', threads: 2, startEpoch: 0, epochs: 2, trainImages: 64, valImages: 16 });
    expect(v.phase).toBe('running');
    expect(v.backendLine).toBe('wasm, 2 threads');
    v = applyRunMessage(v, { type: 'step', runId: 'run-1', epoch: 0, epochs: 2, batch: 3, nb: 16, mloss: [0.1, 0.02, 0.03], lr: [0.09, 0.001, 0.001], itPerSec: 2, imgsPerSec: 8 });
    expect(v.loss).toEqual([{ x: 0.25, box: 0.1, obj: 0.02, cls: 0.03 }]);
    expect(v.lr[0].lr0).toBe(0.09);
    const row = { epoch: 0, train: [0.1, 0.02, 0.03], metrics: [0.5, 0.4, 0.3, 0.1], val: [0.09, 0.01, 0.02], lr: [0.08, 0.001, 0.001] } as const;
    v = applyRunMessage(v, { type: 'epoch', runId: 'run-1', row: structuredClone(row) as never, fitness: 0.12, bestFitness: 0.12, isBest: true, perClass: [] });
    expect(v.rows).toHaveLength(1);
    expect(v.logs.at(-1)?.text).toContain('epoch 1/2');
    // A row for an epoch already shown (a resume re-training it) replaces it and everything after.
    v = applyRunMessage(v, { type: 'epoch', runId: 'run-1', row: structuredClone(row) as never, fitness: 0.1, bestFitness: 0.12, isBest: false, perClass: [] });
    expect(v.rows).toHaveLength(1);
    v = applyRunMessage(v, { type: 'done', runId: 'run-1', status: 'done', epochsRun: 2, final: null });
    expect(v.live).toBe(false);
    expect(v.phase).toBe('done');
  });

  it('keeps the last validation\'s analytics through an epoch that was not validated', () => {
    const row = { epoch: 0, train: [0.1, 0.02, 0.03], metrics: [0.5, 0.4, 0.3, 0.1], val: [0.09, 0.01, 0.02], lr: [0.08, 0.001, 0.001] };
    const analytics = { all: { images: 16, instances: 30, P: 0.5, R: 0.4, mAP50: 0.3, mAP50_95: 0.1 }, confusion: { names: ['a', 'background'], matrix: [1, 0, 2, 0] } };
    let v = applyRunMessage(emptyView('run-1', 'exp1', true), { type: 'epoch', runId: 'run-1', row: row as never, fitness: 0.12, bestFitness: 0.12, isBest: true, perClass: [], analytics });
    expect(v.analytics).toBe(analytics);
    v = applyRunMessage(v, { type: 'epoch', runId: 'run-1', row: { ...row, epoch: 1 } as never, fitness: 0.12, bestFitness: 0.12, isBest: false, perClass: [] });
    expect(v.rows).toHaveLength(2);
    expect(v.analytics).toBe(analytics);
  });

  it('an error ends the run with the error shown', () => {
    const v = applyRunMessage(emptyView('run-1', 'exp1', true), {
      type: 'error', runId: 'run-1', error: { name: 'TrainSetupError', message: 'batch size 99 is larger', code: 'batch_too_large' },
    });
    expect(v.phase).toBe('failed');
    expect(v.live).toBe(false);
    expect(v.logs.at(-1)?.text).toBe('TrainSetupError [batch_too_large]: batch size 99 is larger');
  });

  it('a lost GPU device ends the run as interrupted (resumable), with the error shown', () => {
    const v = applyRunMessage(emptyView('run-1', 'exp1', true), {
      type: 'error', runId: 'run-1', error: { name: 'GpuDeviceLostError', message: 'the GPU device was lost: gone (unknown)', code: 'device_lost' },
    });
    expect(v.phase).toBe('interrupted');
    expect(v.live).toBe(false);
    expect(v.error?.code).toBe('device_lost');
  });

  it("says 'pausing' from the Pause click until the worker's 'paused'", () => {
    let v = emptyView('run-1', 'exp1', true);
    v = applyRunMessage(v, { type: 'runStarted', runId: 'run-1', backend: 'wasm', startEpoch: 0, epochs: 2, trainImages: 64, valImages: 16 });
    v = { ...v, phase: phaseOnControl(v.phase, 'pause') };
    expect(v.phase).toBe('pausing');
    // Steps still arriving before the pause lands keep 'pausing'.
    v = applyRunMessage(v, { type: 'step', runId: 'run-1', epoch: 0, epochs: 2, batch: 0, nb: 16, mloss: [0.1, 0.02, 0.03], lr: [0.09, 0.001, 0.001], itPerSec: 2, imgsPerSec: 8 });
    expect(v.phase).toBe('pausing');
    v = applyRunMessage(v, { type: 'runState', runId: 'run-1', state: 'paused' });
    expect(v.phase).toBe('paused');
    // Only a running run starts pausing; resume and stop wait for the worker's word.
    expect(phaseOnControl('paused', 'pause')).toBe('paused');
    expect(phaseOnControl('stopping', 'pause')).toBe('stopping');
    expect(phaseOnControl('running', 'stop')).toBe('running');
    expect(phaseOnControl('paused', 'resume')).toBe('paused');
  });
});
