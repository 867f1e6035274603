// The content width of a chart's box, kept up to date by a ResizeObserver in a ref (no re-render of its own). A chart
// mounts with it as ResponsiveContainer's initialDimension: left to measure itself, ResponsiveContainer renders an
// empty chart first and the real one a frame later in a React scheduler task, where the per-batch charts' first
// renders landed together in one long task.
import { useCallback, useRef, type RefObject } from 'react';

export function useBoxWidth(): [(el: HTMLElement | null) => void, RefObject<number>] {
  const width = useRef(0);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el || typeof ResizeObserver === 'undefined') return;
    observer.current = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box) width.current = Math.round(box.width);
    });
    observer.current.observe(el);
  }, []);
  return [ref, width];
}
