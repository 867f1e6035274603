// `npm run bench`: training-step speed in Node per backend, beside upstream's CPU numbers. Prints a table and,
// with --json FILE, writes the figures. Flags: --model yolov5n --img N --batch N --iters N --backend wasm|cpu.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/select';
import type { ModelName } from '../src/core/model';
import { benchTrainStep, type StepBenchCase, type StepBenchResult } from './trainStep';

tf.env().set('PROD', true);

interface UpstreamRun { imgsz: number; batch: number; threads: number; median_s_per_iter: number }

function upstreamRuns(): UpstreamRun[] {
  try {
    const j = JSON.parse(readFileSync(resolve(process.cwd(), '../shared/reference/timing_cpu.json'), 'utf8'));
    return j.runs as UpstreamRun[];
  } catch {
    console.warn('(../shared/reference/timing_cpu.json not found: no upstream column)');
    return [];
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const DEFAULT_PLAN: (StepBenchCase & { backend: BackendName })[] = [
  { backend: 'wasm', model: 'yolov5n', img: 256, batch: 16, iters: 5, warmup: 2 },
  { backend: 'wasm', model: 'yolov5n', img: 320, batch: 8, iters: 5, warmup: 2 },
  { backend: 'cpu', model: 'yolov5n', img: 64, batch: 2, iters: 3, warmup: 1 },
];

async function main() {
  const plan = arg('img') || arg('batch') || arg('backend') || arg('model')
    ? [{
      backend: (arg('backend') ?? 'wasm') as BackendName,
      model: (arg('model') ?? 'yolov5n') as ModelName,
      img: Number(arg('img') ?? 256),
      batch: Number(arg('batch') ?? 16),
      iters: Number(arg('iters') ?? 5),
      warmup: 2,
    }]
    : DEFAULT_PLAN;
  const upstream = upstreamRuns();
  const results: (StepBenchResult & { upstream: Record<string, number> })[] = [];
  console.log('training step = forward + loss + backward + SGD update (Node, one process)');
  console.log(`${'backend'.padEnd(8)}${'model'.padEnd(9)}${'img'.padStart(5)}${'batch'.padStart(6)}${'median s'.padStart(10)}${'img/s'.padStart(8)}   upstream PyTorch CPU median s`);
  for (const c of plan) {
    await initBackend({ prefer: c.backend });
    const r = await benchTrainStep(c);
    const up = Object.fromEntries(upstream.filter((u) => u.imgsz === r.img && u.batch === r.batch)
      .map((u) => [`${u.threads}_threads`, u.median_s_per_iter]));
    results.push({ ...r, upstream: up });
    const upText = Object.entries(up).map(([k, v]) => `${v.toFixed(2)} (${k.replace('_', ' ')})`).join(', ') || '-';
    console.log(`${r.backend.padEnd(8)}${r.model.padEnd(9)}${String(r.img).padStart(5)}${String(r.batch).padStart(6)}${r.medianS.toFixed(3).padStart(10)}${r.imagesPerS.toFixed(1).padStart(8)}   ${upText}`);
  }
  const out = arg('json');
  if (out) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
}

await main();
