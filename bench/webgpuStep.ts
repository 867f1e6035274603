// `npm run bench -- --only webgpu`: the yolov5n training step on WebGPU in Chromium, stock tfjs kernels vs ours
// (registered / unregistered in the same page), and the per-layer Conv2D vs Conv2DBackpropFilter table. Same
// mechanism as bench/augmentBrowser.ts: the page (bench/webgpu) is built with vite into a temp dir, served by the
// app's own server and driven by playwright-core in Debian's Chromium with the e2e flags. Here the adapter is
// SwiftShader (the CPU): ratios between stock and ours carry over to a real GPU better than absolute times.
import { rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { startServer } from '../scripts/serve.js';
import { buildBenchPage, chromiumMissing } from './browserPage';
import type { AblationResult, BenchWindow, ConvKernel, LayerResult, LayerRow, StepRequest, StepResult } from './webgpu/protocol';

/** Builds bench/webgpu into `outDir` (also used by e2e/webgpuKernels.spec.ts). */
export function buildWebGpuPage(outDir: string): Promise<void> {
  return buildBenchPage('bench/webgpu', outDir);
}

export interface WebGpuBenchOptions {
  cases: StepRequest[];
  layers: StepRequest;
  /** Also time the first case with each group of our kernels left out (bench/webgpu/ablation.ts). */
  ablate?: boolean;
}
export type WebGpuBench =
  | { steps: (StepResult & { loadAvg: [number, number] })[]; ablation?: AblationResult; layers: LayerResult }
  | { skipped: string };

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
    const steps: (StepResult & { loadAvg: [number, number] })[] = [];
    for (const c of opts.cases) {
      // The 1-minute load average before and after: the machine may be shared (SwiftShader runs on its CPUs).
      const before = loadavg()[0];
      const r = await page.evaluate((req) => (window as unknown as BenchWindow).runStepBench(req), c);
      const run = { ...r, loadAvg: [before, loadavg()[0]] as [number, number] };
      printStep(run);
      steps.push(run);
    }
    let ablation: AblationResult | undefined;
    if (opts.ablate && opts.cases.length > 0) {
      const before = loadavg()[0];
      const r = await page.evaluate((req) => (window as unknown as BenchWindow).runAblation(req), opts.cases[0]);
      ablation = { ...r, loadAvg: [before, loadavg()[0]] };
      printAblation(ablation);
    }
    const layers = await page.evaluate((req) => (window as unknown as BenchWindow).runLayerBench(req), opts.layers);
    printLayers(layers);
    return { steps, ablation, layers };
  } finally {
    await browser.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

const f = (v: number, d = 1) => v.toFixed(d);
const ratio = (a: number, b: number) => (b > 0 ? `${f(a / b, 2)}x` : '-');

function printStep(r: StepResult & { loadAvg: [number, number] }): void {
  const { stock: s, ours: o } = r;
  console.log(`\nwebgpu training step: ${r.model} img ${r.img} batch ${r.batch} (${r.adapter}; timestamp-query ${r.timestampQuery ? 'yes' : 'no'})`
    + (r.fusedBnSilu === false ? '; ours without the fused BN + SiLU' : '') + (r.without?.length ? `; ours without ${r.without.join(', ')}` : ''));
  console.log('  forward + loss + backward + clip + SGD nesterov + EMA; stock and ours stepped alternately in one page,'
    + ` medians over ${s.wallMs.length} timed steps each after warm-up; load average ${f(r.loadAvg[0], 2)} -> ${f(r.loadAvg[1], 2)}`);
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
  row('timed steps ms', s.wallMs.map((v) => f(v, 0)).join(' '), o.wallMs.map((v) => f(v, 0)).join(' '), '');
  for (const fig of [s, o]) {
    console.log(`  top kernels (${fig.kernels}, one profiled step, ms/calls): ${fig.topKernels.slice(0, 12)
      .map((k) => `${k.name} ${f(k.ms)}/${k.calls}`).join(', ')}`);
  }
  console.log(`  top calls (ours, by input shapes): ${o.topCalls.slice(0, 10).map((k) => `${k.name} ${f(k.ms)}/${k.calls}`).join(', ')}`);
}

function printAblation(a: AblationResult): void {
  console.log(`\nwhat each group of our kernels gives: ${a.model} img ${a.img} batch ${a.batch}, ours with and without it,`
    + ` alternately, medians over ${a.iters} steps each; load average ${f(a.loadAvg![0], 2)} -> ${f(a.loadAvg![1], 2)}`);
  console.log(`  ${'left out'.padEnd(12)}${'ms all'.padStart(10)}${'ms without'.padStart(12)}${'x'.padStart(8)}${'disp. all'.padStart(11)}${'without'.padStart(9)}`);
  for (const r of a.rows) {
    console.log(`  ${r.group.padEnd(12)}${f(r.fullMs).padStart(10)}${f(r.withoutMs).padStart(12)}${ratio(r.withoutMs, r.fullMs).padStart(8)}`
      + `${String(r.fullDispatches).padStart(11)}${String(r.withoutDispatches).padStart(9)}`);
  }
}

function printLayers(l: LayerResult): void {
  const names: ConvKernel[] = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];
  const short: Record<ConvKernel, string> = { Conv2D: 'fwd', Conv2DBackpropInput: 'dx', Conv2DBackpropFilter: 'dW' };
  console.log(`\nper conv layer: ${l.model} img ${l.img} batch ${l.batch}, median kernel ms (${l.clock} clock), stock / ours`);
  console.log(`  ${'x (B,H,W,Ci)'.padEnd(16)}${'filter'.padEnd(14)}${'s'.padStart(2)}${'p'.padStart(2)}${'uses'.padStart(5)}`
    + names.map((n) => `${`${short[n]} stock`.padStart(11)}${'ours'.padStart(9)}${'x'.padStart(7)}`).join('')
    + `${'dW/fwd stock'.padStart(14)}${'ours'.padStart(6)}`);
  // dW against the forward conv of the same layer shape, each side against its own forward (the issue's table).
  const dwRatio = (r: LayerRow, k: 'stock' | 'ours') => (r.ms.Conv2DBackpropFilter[k] / r.ms.Conv2D[k]).toFixed(2);
  for (const r of l.rows) {
    console.log(`  ${r.x.join('x').padEnd(16)}${r.filter.join('x').padEnd(14)}${String(r.stride).padStart(2)}${String(r.pad).padStart(2)}${String(r.uses).padStart(5)}`
      + names.map((n) => `${f(r.ms[n].stock, 3).padStart(11)}${f(r.ms[n].ours, 3).padStart(9)}${ratio(r.ms[n].stock, r.ms[n].ours).padStart(7)}`).join('')
      + `${dwRatio(r, 'stock').padStart(14)}${dwRatio(r, 'ours').padStart(6)}`);
  }
  const over = l.rows.filter((r) => r.ms.Conv2DBackpropFilter.ours > 2 * r.ms.Conv2D.ours).length;
  console.log(`  layers with our dW > 2x our fwd: ${over} of ${l.rows.length}`);
  const sum = (n: ConvKernel, k: 'stock' | 'ours') => l.rows.reduce((s, r) => s + r.ms[n][k] * r.uses, 0);
  console.log(`  total (x uses): ${names.map((n) => `${short[n]} stock ${f(sum(n, 'stock'))} ms, ours ${f(sum(n, 'ours'))} ms`).join('; ')}`);
}
