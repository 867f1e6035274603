// The bench page: each run gets a fresh module worker (one tfjs backend per worker, as in the studio), whose result
// the Playwright runner awaits through window.runAugmentBench.
import type { BenchRequest, BenchResult, FromBenchWorker } from './protocol';

declare global {
  interface Window {
    runAugmentBench(req: BenchRequest): Promise<BenchResult>;
  }
}

window.runAugmentBench = (req) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./augmentWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromBenchWorker>) => {
      worker.terminate();
      if ('error' in e.data) reject(new Error(e.data.error));
      else resolve(e.data.result);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`bench worker: ${e.message}`));
    };
    worker.postMessage(req);
  });
