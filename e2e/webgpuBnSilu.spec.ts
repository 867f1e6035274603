// The fused train-mode BatchNorm + SiLU (core/model/bnSilu.ts, WGSL in src/backend/fixes/webgpuBnSilu.ts) in
// Chromium's WebGPU (SwiftShader here) against the cpu backend's autodiff of the written-out ops. Uses the bench
// page (bench/webgpu), built into its own temp dir and served on its own port, like webgpuKernels.spec.ts.
import { expect, test } from '@playwright/test';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildWebGpuPage } from '../bench/webgpuStep';
import type { BenchWindow, BnSiluCase, Errors } from '../bench/webgpu/protocol';
import { startServer } from '../scripts/serve.js';

const outDir = join(tmpdir(), 'yolo-studio-e2e-webgpu-bnsilu');
let server: { url: string; close(): Promise<void> };

test.beforeAll(async () => {
  test.setTimeout(300_000); // the vite build of tfjs + both backends
  await buildWebGpuPage(outDir);
  // Upstream's reference data for the whole-model test, next to the page (fetched from ./ref/; read-only source).
  const refDir = resolve(process.cwd(), '../shared/reference');
  await mkdir(join(outDir, 'ref'));
  for (const f of ['model_forward.json', 'compute_loss.json', 'yolov5n_nc3_seed0_state_dict.manifest.json', 'yolov5n_nc3_seed0_state_dict.bin']) {
    await copyFile(join(refDir, f), join(outDir, 'ref', f));
  }
  server = await startServer({ root: outDir, port: 0 });
});

test.afterAll(async () => {
  await server?.close();
  await rm(outDir, { recursive: true, force: true });
});

// Batch 1 and 3; C not a multiple of 4 or of the 16-channel workgroup tile, and beyond one tile; one value per
// channel (1x1, batch 1), a few rows (no row split), and 32x32 / 64x64 planes whose rows are split across
// workgroups and combined in a second pass. Offset 100 with spread 1: a variance from E[y²] − E[y]² would be noise.
const CASES: BnSiluCase[] = [
  { shape: [1, 1, 1, 3], offset: 0, spread: 2 },
  { shape: [3, 1, 1, 13], offset: 1, spread: 2 },
  { shape: [1, 7, 5, 13], offset: 0, spread: 3 },
  { shape: [3, 7, 5, 48], offset: 2, spread: 2 },
  { shape: [1, 32, 32, 16], offset: 0, spread: 3 },
  { shape: [3, 32, 32, 3], offset: -1, spread: 2 },
  { shape: [3, 32, 32, 48], offset: 1, spread: 4 },
  { shape: [3, 64, 64, 16], offset: 100, spread: 1 },
];

// Max |webgpu − cpu| relative to max(1, max |cpu|) of each tensor. float32 throughout: the per-channel sums run
// over up to 12288 rows in a different order (per-thread strides, workgroup trees, split combine) than cpu's, and
// WGSL's exp / inverseSqrt are allowed a few ulp. Measured on SwiftShader: <= 2.5e-7 at offsets <= 2.
const TOL = 5e-6;
/** float32 spacing at |v|. */
const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(v), 2 ** -126))) - 23);
// Both backends' means are off by ~1 ulp(offset) (their summation orders differ), which y − mean turns into an
// error of that size relative to the spread, carried into out, dy and dγ: allowed 8 ulp(offset) / spread more.
const tolerance = (c: BnSiluCase) => TOL + (8 * ulp(c.offset)) / c.spread;
// The Conv block adds the conv kernels' own webgpu-vs-cpu differences (e2e/webgpuKernels.spec.ts: 1e-5 relative).
const CONV_TOL = 1e-5;

function scaled(e: Errors[string]): number {
  return e.maxAbsDiff / Math.max(1, e.maxAbsRef);
}

function table(label: string, errors: Errors): string {
  return `${label}: ${Object.entries(errors).map(([k, e]) => `${k} ${e.maxAbsDiff.toExponential(1)} (rel ${e.maxRelDiff.toExponential(1)}, |ref| ${e.maxAbsRef.toFixed(2)})`).join(', ')}`;
}

test('webgpu fused BN + SiLU (train) matches cpu autodiff on odd shapes, alone and inside a Conv block', async ({ page }) => {
  // A WGSL error does not throw: the pipeline is invalid and the output stays zero, with a console warning.
  const gpuErrors: string[] = [];
  page.on('console', (m) => {
    if (/WGSL|Invalid (ShaderModule|ComputePipeline)/.test(m.text())) gpuErrors.push(m.text());
  });
  await page.goto(server.url);
  await page.waitForFunction(() => typeof (window as unknown as BenchWindow).checkBnSilu === 'function');
  const r = await page.evaluate((cases) => (window as unknown as BenchWindow).checkBnSilu(cases), CASES);
  expect(r.active).toBe(true);
  expect(r.cases).toHaveLength(CASES.length);
  for (const c of r.cases) {
    console.log(table(`  ${c.shape.join('x')} offset ${c.offset}`, c.errors));
    for (const [k, e] of Object.entries(c.errors)) {
      const n = c.shape[0] * c.shape[1] * c.shape[2];
      // One value per channel: variance 0, x̂ = 0, so dy and dγ are exactly 0 on both sides.
      if (n > 1 || !['variance', 'dy', 'dgamma'].includes(k)) expect(e.maxAbsRef, `${c.shape} ${k}`).toBeGreaterThan(0);
      expect(scaled(e), `${c.shape} ${k} ${JSON.stringify(e)}`).toBeLessThan(tolerance(c));
    }
    const s = c.stats64;
    console.log(`    vs float64 two-pass: mean cpu ${s.cpu.mean.toExponential(1)} webgpu ${s.webgpu.mean.toExponential(1)}, `
      + `variance cpu ${s.cpu.variance.toExponential(1)} webgpu ${s.webgpu.variance.toExponential(1)}`);
    // Our statistics are float32 results of a centred two-pass sum: within a few ulp of the float64 values.
    expect(s.webgpu.mean, `${c.shape} mean vs float64`).toBeLessThanOrEqual(4 * ulp(Math.abs(c.offset) + c.spread));
    expect(s.webgpu.variance, `${c.shape} variance vs float64`).toBeLessThanOrEqual(4 * ulp(c.spread ** 2));
  }
  const conv = r.conv;
  console.log(table(`  Conv block x ${conv.x.join('x')} -> ${conv.co} (fused)`, conv.errors));
  console.log(table(`  Conv block (stock autodiff on webgpu)`, conv.stockErrors));
  console.log(`  dispatches for that block's forward + backward: fused ${conv.dispatches.fused}, stock ${conv.dispatches.stock}`);
  for (const [k, e] of Object.entries(conv.errors)) {
    expect(e.maxAbsRef, k).toBeGreaterThan(0);
    expect(scaled(e), `conv ${k} ${JSON.stringify(e)}`).toBeLessThan(CONV_TOL);
  }
  expect(conv.dispatches.fused).toBeLessThan(conv.dispatches.stock);
  expect(gpuErrors).toEqual([]);
});

test('yolov5n train forward, BN buffers and every gradient on webgpu match upstream with the fused BN + SiLU', async ({ page }) => {
  test.setTimeout(600_000); // two yolov5n forward + backward passes and the train forwards on SwiftShader
  const gpuErrors: string[] = [];
  page.on('console', (m) => {
    if (/WGSL|Invalid (ShaderModule|ComputePipeline)/.test(m.text())) gpuErrors.push(m.text());
  });
  await page.goto(server.url);
  await page.waitForFunction(() => typeof (window as unknown as BenchWindow).checkBnSiluParity === 'function');
  const r = await page.evaluate(() => (window as unknown as BenchWindow).checkBnSiluParity());
  for (const [label, s] of [['fused', r.fused], ['stock', r.stock]] as const) {
    console.log(`  ${label}: ${s.count} checks, worst ${s.worst.name} at ${s.worst.ratio.toFixed(3)} of its tolerance; `
      + s.picked.map((c) => `${c.name} ${c.ratio.toFixed(3)}`).join(', '));
  }
  expect(r.active).toBe(true);
  // model_forward: 6 checks; compute_loss: loss, 2 per listed grad, key order, one norm per parameter.
  expect(r.fused.count).toBe(r.stock.count);
  expect(r.fused.count).toBeGreaterThan(6 + 2);
  expect(r.fused.failed).toEqual([]);
  expect(gpuErrors).toEqual([]);
});
