// A chart's data as the chart draws it: each change waits for its turn in the stage queue (one chart per task), and a
// live per-batch chart takes at most one change per `throttleMs` (the newest value wins; nothing is dropped at the end,
// the last change always lands). The progress bar and tables read the store directly and stay live.
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { chartStage } from './stageQueue';

/**
 * `value`, staged. With `deferMount` the first render returns undefined and the value arrives in its own task, so a
 * chart that appears together with other content (the PR curve at the first validation) does not render with it.
 */
export function useStaged<T>(value: T, throttleMs = 0, deferMount = false): T | undefined {
  const [shown, setShown] = useState<{ v: T } | null>(() => (deferMount ? null : { v: value }));
  const latest = useRef(value);
  const lastShownAt = useRef(-Infinity);
  const cancelPending = useRef<(() => void) | null>(null);

  useEffect(() => {
    latest.current = value;
    if (cancelPending.current || (shown && Object.is(shown.v, value))) return;
    let cancelJob: (() => void) | null = null;
    const show = () => {
      cancelPending.current = null;
      lastShownAt.current = performance.now();
      // Rendered now, inside this idle callback: left to React it could merge with the next queued chart's render.
      flushSync(() => setShown({ v: latest.current }));
    };
    const wait = lastShownAt.current + throttleMs - performance.now();
    const timer = wait > 0 ? setTimeout(() => (cancelJob = chartStage.enqueue(show)), wait) : null;
    if (timer === null) cancelJob = chartStage.enqueue(show);
    cancelPending.current = () => {
      if (timer !== null) clearTimeout(timer);
      cancelJob?.();
      cancelPending.current = null;
    };
  }, [value, shown, throttleMs]);

  useEffect(() => () => cancelPending.current?.(), []);
  return shown?.v;
}
