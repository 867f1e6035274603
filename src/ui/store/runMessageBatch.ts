// The worker's run messages into the store at a bounded rate. A 'step' comes once per batch, which on a fast backend
// is many times a second; each store update re-renders the progress line and the live charts. So a step waits up to
// `intervalMs` and is applied together with the steps after it (at most ~10 updates a second). Any other message
// first applies the steps waiting before it and is then applied at once: the order of everything is kept, and phase
// changes and their side effects (checkpoint and run-list re-reads) are not delayed.
import type { RunMessage } from '../trainerClient';

/** The clock and timer the batcher uses (injected by tests). */
export interface BatchTimer {
  now(): number;
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: BatchTimer = {
  now: () => performance.now(),
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Returns the listener to give the trainer client; `apply` receives the messages in order, a batch at a time. */
export function batchRunMessages(
  apply: (batch: RunMessage[]) => void,
  intervalMs = 100,
  timer: BatchTimer = realTimer,
): (msg: RunMessage) => void {
  let pending: RunMessage[] = [];
  let handle: unknown = null;
  let last = -Infinity;
  const flush = () => {
    if (handle !== null) {
      timer.clear(handle);
      handle = null;
    }
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    last = timer.now();
    apply(batch);
  };
  return (msg) => {
    pending.push(msg);
    if (msg.type !== 'step') {
      flush();
      return;
    }
    if (handle !== null) return;
    const wait = last + intervalMs - timer.now();
    if (wait <= 0) flush();
    else handle = timer.set(flush, wait);
  };
}
