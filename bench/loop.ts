// Seconds per iteration of the whole training loop (data loading + augmentation + step + EMA, as core/train runs it
// in Node), beside upstream train.py's per-iteration wall time on the same machine kind (../shared/reference/README.md:
// synth at img 256 batch 16 took a median 0.567 s; coco128 fine-tuning from yolov5n.pt at img 320 batch 16 0.93 s).
// Only a few batches of the first epoch run: the control hook timestamps every batch and stops the run, so no
// validation or checkpoint is included.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadSplit } from '../src/cli/dataset';
import { decodeImage } from '../src/cli/image';
import { hypPreset } from '../src/core/config/hyps';
import { validateTrainOptions } from '../src/core/config/trainOptions';
import { modelConfig } from '../src/core/model';
import { train } from '../src/core/train';

export interface LoopBenchCase {
  name: string;
  /** dataset yaml, relative to the shared dir */
  data: string;
  /** starting weights relative to the shared dir ('' = yolov5n from scratch) */
  weights: string;
  img: number;
  batch: number;
  /** upstream train.py seconds per iteration (reference/README.md) */
  upstreamS: number;
}

export interface LoopBenchResult extends LoopBenchCase {
  backend: string;
  /** timed iterations (after the warm-up ones) */
  iters: number;
  medianS: number;
  meanS: number;
  /** median of the step part (the ask before a batch to that batch's step event, which reads its loss back) */
  stepS: number;
  ratio: number;
}

export const LOOP_CASES: LoopBenchCase[] = [
  { name: 'synth', data: 'datasets/synth/data.yaml', weights: '', img: 256, batch: 16, upstreamS: 0.567 },
  { name: 'coco128', data: 'datasets/coco128/data.yaml', weights: 'weights/yolov5n.pt', img: 320, batch: 16, upstreamS: 0.93 },
];

/**
 * Runs `warmup + iters` batches of one case and returns the wall time between consecutive batches. The control hook
 * is asked right before each batch's step, after its data is loaded, so the interval between two asks is one full
 * iteration: step, EMA, loss readback, and loading the next batch.
 */
export async function benchLoopCase(shared: string, c: LoopBenchCase, warmup = 2, iters = 4): Promise<LoopBenchResult> {
  const dataYaml = resolve(shared, c.data);
  const tr = await loadSplit(dataYaml, 'train');
  const va = await loadSplit(dataYaml, 'val');
  // AutoAnchor and validation are outside the timed batches; skip them to keep the bench short.
  const { options } = validateTrainOptions({
    data: dataYaml, weights: c.weights ? resolve(shared, c.weights) : '', cfg: c.weights ? '' : 'yolov5n', imgsz: c.img,
    batch_size: c.batch, epochs: 100, noval: true, nosave: true, noautoanchor: true, seed: 0,
  });
  const stamps: number[] = [];
  const control = (): 'go' | 'stop' => {
    stamps.push(performance.now());
    return stamps.length > warmup + iters ? 'stop' : 'go';
  };
  const events = train({
    options, hyp: hypPreset('scratch-low'), control,
    cfg: c.weights ? undefined : modelConfig('yolov5n'),
    weights: c.weights ? { bytes: new Uint8Array(readFileSync(options.weights)), fileName: options.weights } : undefined,
    data: { names: tr.data.names, train: tr.items, val: va.items, decode: (f) => decodeImage(f) },
  });
  const stepDone = new Map<number, number>();
  for await (const ev of events) {
    if (ev.type === 'step' && ev.epoch === 0) stepDone.set(ev.batch, performance.now());
    if (ev.type === 'done') break;
  }
  if (stamps.length <= warmup + iters) {
    throw new Error(`${c.name}: the epoch has only ${stamps.length} batches, fewer than the ${warmup + iters + 1} the bench needs`);
  }
  const times = stamps.slice(warmup + 1).map((t, i) => (t - stamps[warmup + i]) / 1000);
  // Step events come at most every 250 ms; at these sizes every batch takes longer, so each batch has one.
  const steps = times.map((_, i) => ((stepDone.get(warmup + i) ?? Number.NaN) - stamps[warmup + i]) / 1000);
  const medianS = median(times);
  const meanS = times.reduce((s, t) => s + t, 0) / times.length;
  return { ...c, backend: tf.getBackend(), iters: times.length, medianS, meanS, stepS: median(steps), ratio: medianS / c.upstreamS };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Both cases on the current backend (wasm in `npm run bench`), printed as a table with the ratio to upstream. */
export async function benchLoop(shared: string, opts: { warmup?: number; iters?: number } = {}): Promise<LoopBenchResult[]> {
  const out: LoopBenchResult[] = [];
  console.log('\ntraining loop = data loading + augmentation + step + EMA, per iteration (Node, first epoch, no val)');
  console.log(`${'case'.padEnd(9)}${'backend'.padEnd(8)}${'img'.padStart(5)}${'batch'.padStart(6)}${'median s'.padStart(10)}${'mean s'.padStart(9)}${'step s'.padStart(9)}${'upstream s'.padStart(12)}${'ratio'.padStart(8)}`);
  for (const c of LOOP_CASES) {
    const r = await benchLoopCase(shared, c, opts.warmup, opts.iters);
    out.push(r);
    console.log(`${r.name.padEnd(9)}${r.backend.padEnd(8)}${String(r.img).padStart(5)}${String(r.batch).padStart(6)}${r.medianS.toFixed(3).padStart(10)}`
      + `${r.meanS.toFixed(3).padStart(9)}${r.stepS.toFixed(3).padStart(9)}${r.upstreamS.toFixed(3).padStart(12)}${`${r.ratio.toFixed(1)}x`.padStart(8)}`);
  }
  return out;
}
