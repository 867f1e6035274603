// At most `n` async tasks at once, first come first served. A queued task whose signal aborts is dropped without
// running, so scrolling past a page of thumbnails does not leave its reads and decodes behind in the queue.

export class AbortedError extends Error {
  readonly code = 'aborted';
  constructor(what: string) {
    super(`${what} was cancelled`);
    this.name = 'AbortError';
  }
}

export type Limited = <T>(task: () => Promise<T>, signal?: AbortSignal, what?: string) => Promise<T>;

export function createLimiter(n: number): Limited {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`limiter: concurrency must be a positive integer, got ${n}`);
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (running >= n) return;
    const start = queue.shift();
    if (start) start();
  };
  return <T>(task: () => Promise<T>, signal?: AbortSignal, what = 'task') =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) {
          reject(new AbortedError(what));
          next();
          return;
        }
        running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            running--;
            next();
          });
      };
      const onAbort = () => {
        const at = queue.indexOf(start);
        if (at >= 0) {
          queue.splice(at, 1);
          reject(new AbortedError(what));
        }
      };
      if (signal?.aborted) {
        reject(new AbortedError(what));
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(start);
      next();
    });
}
