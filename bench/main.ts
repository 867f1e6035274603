// `npm run bench`: training-step and validation speed in Node, beside upstream's CPU numbers. Prints tables and,
// with --json FILE, writes the figures. Flags: --only step|val|augment|webgpu|loop (augment includes the Chromium runner of
// bench/augmentBrowser.ts for the GPU path), and for one step case:
// --model yolov5n --img N --batch N --iters N --backend wasm|cpu.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/select';
import type { ModelName } from '../src/core/model';
import { benchTrainStep, type StepBenchCase, type StepBenchResult } from './trainStep';
import { benchVal } from './val';
import { benchLoop } from './loop';
import { benchAugment, printAugment } from './augment';
import { benchAugmentBrowser, printAugmentBrowser, type BrowserAugmentBench } from './augmentBrowser';
import { benchWebGpu } from './webgpuStep';

tf.env().set('PROD', true);

interface UpstreamRun { imgsz: number; batch: number; threads: number; median_s_per_iter: number }

const SHARED = resolve(process.cwd(), '../shared');

function readShared<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(resolve(SHARED, file), 'utf8')) as T;
  } catch {
    console.warn(`(${file} not found under ../shared: no upstream column)`);
    return null;
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

async function stepSection(results: Record<string, unknown>) {
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
  const upstream = readShared<{ runs: UpstreamRun[] }>('reference/timing_cpu.json')?.runs ?? [];
  const rows: (StepBenchResult & { upstream: Record<string, number> })[] = [];
  console.log('training step = forward + loss + backward + SGD update (Node, one process)');
  console.log(`${'backend'.padEnd(8)}${'model'.padEnd(9)}${'img'.padStart(5)}${'batch'.padStart(6)}${'median s'.padStart(10)}${'img/s'.padStart(8)}   upstream PyTorch CPU median s`);
  for (const c of plan) {
    await initBackend({ prefer: c.backend });
    const r = await benchTrainStep(c);
    const up = Object.fromEntries(upstream.filter((u) => u.imgsz === r.img && u.batch === r.batch)
      .map((u) => [`${u.threads}_threads`, u.median_s_per_iter]));
    rows.push({ ...r, upstream: up });
    const upText = Object.entries(up).map(([k, v]) => `${v.toFixed(2)} (${k.replace('_', ' ')})`).join(', ') || '-';
    console.log(`${r.backend.padEnd(8)}${r.model.padEnd(9)}${String(r.img).padStart(5)}${String(r.batch).padStart(6)}${r.medianS.toFixed(3).padStart(10)}${r.imagesPerS.toFixed(1).padStart(8)}   ${upText}`);
  }
  results.trainStep = rows;
}

async function valSection(results: Record<string, unknown>) {
  await initBackend({ prefer: 'wasm' });
  const r = await benchVal(SHARED, 640);
  const up = readShared<{ A_640: { speed_line: string; wall_s: number } }>('reference/pretrained_val.json');
  console.log('\nval: yolov5n.pt on coco128 at 640 (batch 32, rect), wasm');
  console.log(`  ours:     ${r.imagesPerS.toFixed(2)} images/s (${r.seconds.toFixed(1)} s for ${r.images}); Speed: ${r.msPerImage.preprocess.toFixed(1)}ms pre-process, ${r.msPerImage.inference.toFixed(1)}ms inference, ${r.msPerImage.nms.toFixed(1)}ms NMS per image; mAP50-95 ${r.mAP50_95.toFixed(4)}`);
  if (up) console.log(`  upstream: ${(128 / up.A_640.wall_s).toFixed(2)} images/s (${up.A_640.wall_s.toFixed(1)} s wall); ${up.A_640.speed_line}`);
  results.val = { ...r, upstream: up?.A_640.speed_line };
}

// WebGPU in Chromium (bench/webgpuStep.ts): stock tfjs kernels vs ours per step, and the per-layer conv table.
// --img / --batch / --model pick one case (real GPUs: larger); default: SwiftShader-sized shapes. --no-fused-bn: the
// "ours" side without the fused train-mode BN + SiLU kernels (what they add on top of the others); --without g1,g2:
// without those groups of our kernels (WEBGPU_SPEED_GROUPS in src/backend/fixes/webgpu.ts); --ablate: also each group
// left out in turn (the first case); --layers-only: no step timing, only the per-layer conv table.
async function webgpuSection(results: Record<string, unknown>) {
  const model = (arg('model') ?? 'yolov5n') as 'yolov5n' | 'yolov5s';
  const iters = Number(arg('iters') ?? 3);
  const one = arg('img') !== undefined || arg('batch') !== undefined;
  const cases = (one ? [[Number(arg('img') ?? 128), Number(arg('batch') ?? 2)]] : [[64, 2], [128, 2]])
    .map(([img, batch]) => ({
      model, img, batch, iters, warmup: 1, fusedBnSilu: !process.argv.includes('--no-fused-bn'), without: arg('without')?.split(','),
    }));
  // --layers-only: just the per-layer conv kernel table (for the last case).
  const steps = process.argv.includes('--layers-only') ? [] : cases;
  try {
    results.webgpu = await benchWebGpu({ cases: steps, layers: cases[cases.length - 1], ablate: process.argv.includes('--ablate') });
  } catch (err) {
    console.error(`webgpu (Chromium): FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    results.webgpu = { skipped: `failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  if ('skipped' in (results.webgpu as object)) console.log(`webgpu (Chromium): skipped: ${(results.webgpu as { skipped: string }).skipped}`);
}

async function main() {
  const only = arg('only');
  const results: Record<string, unknown> = {};
  if (!only || only === 'step') await stepSection(results);
  if (!only || only === 'val') await valSection(results);
  if (!only || only === 'augment') {
    const rows = [await benchAugment(SHARED, 640, 256, 'wasm'), await benchAugment(SHARED, 640, 256, 'js')];
    printAugment(rows);
    results.augment = rows;
    // The GPU path (augment/gpu) runs in Chromium; skipped with the reason when Chromium is missing.
    let browser: BrowserAugmentBench;
    try {
      browser = await benchAugmentBrowser(SHARED);
    } catch (err) {
      console.error(`  GPU path (Chromium): FAILED: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
      browser = { skipped: `failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    printAugmentBrowser(browser);
    results.augmentBrowser = browser;
  }
  if (!only || only === 'webgpu') await webgpuSection(results);
  if (!only || only === 'loop') {
    await initBackend({ prefer: 'wasm' });
    results.loop = await benchLoop(SHARED);
  }
  const out = arg('json');
  if (out) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
}

await main();
