// One chart update per main-thread task. A recharts chart re-renders in tens of milliseconds (its internal store
// recomputes every selector when the data changes); at an epoch's end the two per-epoch charts, the PR and F1 curves
// and the per-batch charts all change at once, which in one task froze the page for most of a second. Each chart
// queues its update here instead, and the queue runs one update per idle callback, first come first served.

/** Runs `run` when the page is next idle (or after `timeoutMs` at the latest). */
export type IdleScheduler = (run: () => void, timeoutMs: number) => void;

const browserIdle: IdleScheduler = (run, timeoutMs) => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => run(), { timeout: timeoutMs });
  else setTimeout(run, 0);
};

export interface StageQueue {
  /** Queues `job`; returns a function that takes it out again if it has not run yet. */
  enqueue(job: () => void): () => void;
  /** Jobs waiting. */
  readonly size: number;
}

/** A FIFO of jobs run one per scheduler callback. */
export function createStageQueue(schedule: IdleScheduler = browserIdle, timeoutMs = 300): StageQueue {
  const jobs: (() => void)[] = [];
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    const job = jobs.shift();
    try {
      job?.();
    } finally {
      if (jobs.length) arm();
    }
  };
  const arm = () => {
    if (scheduled) return;
    scheduled = true;
    schedule(pump, timeoutMs);
  };
  return {
    enqueue(job) {
      jobs.push(job);
      arm();
      return () => {
        const i = jobs.indexOf(job);
        if (i >= 0) jobs.splice(i, 1);
      };
    },
    get size() {
      return jobs.length;
    },
  };
}

/** The queue every chart of the page shares. */
export const chartStage = createStageQueue();
