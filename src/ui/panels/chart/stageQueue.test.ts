import { describe, expect, it } from 'vitest';
import { createStageQueue } from './stageQueue';

/** A scheduler the test steps by hand: each tick() is one idle callback (one main-thread task). */
function manual() {
  const waiting: (() => void)[] = [];
  return {
    schedule: (run: () => void) => void waiting.push(run),
    tick() {
      const run = waiting.shift();
      if (!run) throw new Error('nothing scheduled');
      run();
    },
    get armed() {
      return waiting.length;
    },
  };
}

describe('createStageQueue', () => {
  it('runs one job per callback, in order, and stops asking once empty', () => {
    const s = manual();
    const q = createStageQueue(s.schedule);
    const ran: string[] = [];
    q.enqueue(() => ran.push('map'));
    q.enqueue(() => ran.push('pr'));
    q.enqueue(() => ran.push('f1'));
    expect(s.armed).toBe(1); // one callback at a time, not one per job
    s.tick();
    expect(ran).toEqual(['map']);
    s.tick();
    s.tick();
    expect(ran).toEqual(['map', 'pr', 'f1']);
    expect(s.armed).toBe(0);
    expect(q.size).toBe(0);
  });

  it('drops a cancelled job, and keeps going after a job throws', () => {
    const s = manual();
    const q = createStageQueue(s.schedule);
    const ran: string[] = [];
    q.enqueue(() => {
      throw new Error('render failed');
    });
    const cancel = q.enqueue(() => ran.push('gone'));
    q.enqueue(() => ran.push('kept'));
    cancel();
    expect(() => s.tick()).toThrow('render failed');
    s.tick();
    expect(ran).toEqual(['kept']);
    expect(s.armed).toBe(0);
  });
});
