// `npm run bench -- --only webgpu`: the yolov5n training step on WebGPU in Chromium, stock tfjs kernels vs ours
// (registered / unregistered in the same page), and the per-layer Conv2D vs Conv2DBackpropFilter table. Same
// mechanism as bench/augmentBrowser.ts: the page (bench/webgpu) is built with vite into a temp dir, served by the
// app's own server and driven by playwright-core in Debian's Chromium with the e2e flags. Here the adapter is
// SwiftShader (the CPU): ratios between stock and ours carry over to a real GPU better than absolute times.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { startServer } from '../scripts/serve.js';
import { buildBenchPage, chromiumMissing } from './browserPage';
import type { BenchWindow, LayerResult, StepRequest, StepResult } from './webgpu/protocol';

/** Builds bench/webgpu into `outDir` (also used by e2e/webgpuKernels.spec.ts). */
export function buildWebGpuPage(outDir: string): Promise<void> {
  return buildBenchPage('bench/webgpu', outDir);
}

export interface WebGpuBenchOptions { cases: StepRequest[]; layers: StepRequest }
export type WebGpuBench = { steps: StepResult[]; layers: LayerResult } | { skipped: string };

export async function benchWebGpu(opts: WebGpuBenchOptions): Promise<WebGpuBench> {
  const missing = chromiumMissing();
  if (missing) return { skipped: missing };
  const outDir = join(tmpdir(), 'yolo-studio-bench-webgpu');
  await buildWebGpuPage(outDir);
  const server = await startServer({ root: outDir, port: 0 });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(0); // SwiftShader steps take seconds each
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.warn(`  [chromium ${m.type()}] ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForFunction(() => typeof (window as unknown as BenchWindow).runStepBench === 'function');
    const steps: StepResult[] = [];
    for (const c of opts.cases) {
      const r = await page.evaluate((req) => (window as unknown as BenchWindow).runStepBench(req), c);
      printStep(r);
      steps.push(r);
    }
    const layers = await page.evaluate((req) => (window as unknown as BenchWindow).runLayerBench(req), opts.layers);
    printLayers(layers);
    return { steps, layers };
  } finally {
    await browser.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

const f = (v: number, d = 1) => v.toFixed(d);
const ratio = (a: number, b: number) => (b > 0 ? `${f(a / b, 2)}x` : '-');

function printStep(r: StepResult): void {
  const { stock: s, ours: o } = r;
  console.log(`\nwebgpu training step: ${r.model} img ${r.img} batch ${r.batch} (${r.adapter}; timestamp-query ${r.timestampQuery ? 'yes' : 'no'})`
    + (r.fusedBnSilu === false ? '; ours without the fused BN + SiLU' : ''));
  console.log('  forward + loss + backward + clip + SGD nesterov + EMA; medians over timed steps after warm-up');
  const row = (name: string, a: string, b: string, rt: string) => console.log(`  ${name.padEnd(30)}${a.padStart(12)}${b.padStart(12)}${rt.padStart(10)}`);
  row('', 'stock', 'ours', 'stock/ours');
  row('ms / step', f(s.medianMs), f(o.medianMs), ratio(s.medianMs, o.medianMs));
  row('images / s', f(s.imagesPerS, 2), f(o.imagesPerS, 2), ratio(o.imagesPerS, s.imagesPerS));
  row('dispatches / step', String(s.dispatches), String(o.dispatches), ratio(s.dispatches, o.dispatches));
  row('  of which optimizer (clip+SGD)', String(s.optimizerDispatches), String(o.optimizerDispatches), ratio(s.optimizerDispatches, o.optimizerDispatches));
  row('  of which EMA', String(s.emaDispatches), String(o.emaDispatches), ratio(s.emaDispatches, o.emaDispatches));
  row('queue submits / step', String(s.submits), String(o.submits), '');
  row('readbacks / step', String(s.readbacks), String(o.readbacks), '');
  row('JS encode ms / step', f(s.encodeMs), f(o.encodeMs), ratio(s.encodeMs, o.encodeMs));
  row('wait for loss ms / step', f(s.waitMs), f(o.waitMs), '');
  row('GPU MB first/last step', `${f(s.gpuBytes[0] / 2 ** 20)}/${f(s.gpuBytes[1] / 2 ** 20)}`, `${f(o.gpuBytes[0] / 2 ** 20)}/${f(o.gpuBytes[1] / 2 ** 20)}`, '');
  row('profiled kernel ms (sum)', f(s.profiledKernelMs), f(o.profiledKernelMs), ratio(s.profiledKernelMs, o.profiledKernelMs));
  for (const fig of [s, o]) {
    console.log(`  top kernels (${fig.kernels}, one profiled step): ${fig.topKernels.slice(0, 8)
      .map((k) => `${k.name} ${f(k.ms)} ms/${k.calls}`).join(', ')}`);
  }
}

function printLayers(l: LayerResult): void {
  console.log(`\nper conv layer: ${l.model} img ${l.img} batch ${l.batch}, median kernel ms (${l.clock} clock)`);
  console.log(`  ${'x (B,H,W,Ci)'.padEnd(16)}${'filter'.padEnd(14)}${'s'.padStart(2)}${'p'.padStart(2)}${'uses'.padStart(5)}${'fwd'.padStart(9)}${'ours'.padStart(9)}${'stock'.padStart(10)}${'ours/fwd'.padStart(10)}${'stock/fwd'.padStart(11)}`);
  let worst = 0;
  for (const r of l.rows) {
    worst = Math.max(worst, r.oursMs / r.forwardMs);
    console.log(`  ${r.x.join('x').padEnd(16)}${r.filter.join('x').padEnd(14)}${String(r.stride).padStart(2)}${String(r.pad).padStart(2)}${String(r.uses).padStart(5)}`
      + `${f(r.forwardMs, 3).padStart(9)}${f(r.oursMs, 3).padStart(9)}${f(r.stockMs, 3).padStart(10)}${ratio(r.oursMs, r.forwardMs).padStart(10)}${ratio(r.stockMs, r.forwardMs).padStart(11)}`);
  }
  const sum = (k: 'forwardMs' | 'oursMs' | 'stockMs') => l.rows.reduce((s, r) => s + r[k] * r.uses, 0);
  console.log(`  total (x uses): forward ${f(sum('forwardMs'))} ms, ours ${f(sum('oursMs'))} ms, stock ${f(sum('stockMs'))} ms; worst ours/fwd ${f(worst, 2)}x`);
}
