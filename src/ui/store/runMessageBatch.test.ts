import { describe, expect, it } from 'vitest';
import type { RunMessage } from '../trainerClient';
import { batchRunMessages, type BatchTimer } from './runMessageBatch';

/** A hand-driven clock: `advance` runs the timers that come due, in order. */
function fakeTimer() {
  let t = 0;
  let next = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const timer: BatchTimer = {
    now: () => t,
    set: (run, ms) => {
      timers.set(next, { at: t + ms, run });
      return next++;
    },
    clear: (h) => void timers.delete(h as number),
  };
  const advance = (ms: number) => {
    const end = t + ms;
    for (;;) {
      const due = [...timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      t = due[1].at;
      due[1].run();
    }
    t = end;
  };
  return { timer, advance, pending: () => timers.size };
}

const step = (batch: number): RunMessage => ({
  type: 'step', runId: 'r', epoch: 0, epochs: 1, batch, nb: 100, mloss: [0, 0, 0], lr: [0, 0, 0], itPerSec: 50, imgsPerSec: 200,
});
const state = (s: 'paused' | 'running'): RunMessage => ({ type: 'runState', runId: 'r', state: s });
const label = (m: RunMessage) => (m.type === 'step' ? `s${m.batch}` : m.type);

describe('batchRunMessages', () => {
  it('applies the first step at once, then the steps of each 100 ms together', () => {
    const { timer, advance } = fakeTimer();
    const batches: string[][] = [];
    const push = batchRunMessages((b) => batches.push(b.map(label)), 100, timer);
    push(step(0));
    expect(batches).toEqual([['s0']]);
    // 25 steps a second: every 40 ms.
    for (let i = 1; i <= 6; i++) {
      advance(40);
      push(step(i));
    }
    advance(100);
    expect(batches).toEqual([['s0'], ['s1', 's2'], ['s3', 's4'], ['s5', 's6']]);
    // Every step arrived exactly once, in order.
    expect(batches.flat()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
  });

  it('a non-step message flushes the waiting steps first and is applied without waiting', () => {
    const { timer, advance, pending } = fakeTimer();
    const batches: string[][] = [];
    const push = batchRunMessages((b) => batches.push(b.map(label)), 100, timer);
    push(step(0));
    advance(10);
    push(step(1));
    push(step(2));
    push(state('paused'));
    expect(batches).toEqual([['s0'], ['s1', 's2', 'runState']]);
    expect(pending()).toBe(0); // the flush cancelled the step timer
    advance(500);
    expect(batches).toHaveLength(2);
    push(state('running'));
    expect(batches.at(-1)).toEqual(['runState']);
  });

  it('slow steps (one per second, as wasm trains) are each applied as they come', () => {
    const { timer, advance } = fakeTimer();
    const batches: string[][] = [];
    const push = batchRunMessages((b) => batches.push(b.map(label)), 100, timer);
    for (let i = 0; i < 4; i++) {
      push(step(i));
      advance(1000);
    }
    expect(batches).toEqual([['s0'], ['s1'], ['s2'], ['s3']]);
  });
});
