// Our WebGPU kernels in Chromium's WebGPU (SwiftShader here): the three conv kernels and the rank-5 pad against the
// cpu backend, the flat gather/scatter copies, and the BN running-statistics and optimizer passes bit for bit against
// the ops they replace; no tensor leaks. Uses the bench page (bench/webgpu, built into a temp dir and served on its
// own port) rather than the app's dist/.
import { expect, test, type Page } from '@playwright/test';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebGpuPage } from '../bench/webgpuStep';
import type { BenchWindow, BnRunningCase, ConvCase, ConvKernel, FlatOpsCase } from '../bench/webgpu/protocol';
import { startServer } from '../scripts/serve.js';

const outDir = join(tmpdir(), 'yolo-studio-e2e-webgpu-page');
let server: { url: string; close(): Promise<void> };

test.beforeAll(async () => {
  test.setTimeout(300_000); // the vite build of tfjs + both backends
  await buildWebGpuPage(outDir);
  server = await startServer({ root: outDir, port: 0 });
});

test.afterAll(async () => {
  await server?.close();
  await rm(outDir, { recursive: true, force: true });
});

// Odd shapes: stride 2, 1x1, YOLOv5's 6x6/2 pad 2 stem, channels not multiples of 4, batch 1 and 3, M and N
// beyond one workgroup, outputs too few for one 64-thread workgroup (16-thread ones), output rows split across
// workgroups for dW (and summed in a second pass), 'same' / 'valid' padding, non-square filters, an input narrower
// than the stride (a column phase with no pixels), and a yolov5n-sized layer.
const CASES: ConvCase[] = [
  { x: [1, 9, 9, 5], filter: [3, 3, 5, 7], stride: 2, pad: 1 },
  { x: [3, 8, 8, 6], filter: [1, 1, 6, 10], stride: 1, pad: 0 },
  { x: [3, 64, 64, 3], filter: [6, 6, 3, 16], stride: 2, pad: 2 },
  { x: [1, 7, 5, 33], filter: [3, 3, 33, 35], stride: 1, pad: 1 },
  { x: [3, 20, 20, 18], filter: [3, 3, 18, 37], stride: 2, pad: 1 },
  { x: [3, 11, 11, 2], filter: [2, 2, 2, 3], stride: 2, pad: 'valid' },
  { x: [1, 10, 10, 7], filter: [3, 3, 7, 5], stride: 1, pad: 'same' },
  { x: [3, 5, 7, 9], filter: [2, 3, 9, 6], stride: 2, pad: 'same' },
  { x: [1, 1, 1, 5], filter: [3, 3, 5, 6], stride: 2, pad: 1 },
  { x: [2, 2, 2, 256], filter: [1, 1, 256, 255], stride: 1, pad: 0 },
  { x: [2, 32, 32, 16], filter: [3, 3, 16, 32], stride: 2, pad: 1 },
  // dW's paths: taps grouped five per thread with a last group of four (3x3, 256 blocks), 1x1 stride-1 convs as one
  // flat run of pixels with unchecked stores (channels multiples of 4 and 8) and with rows split across workgroups.
  { x: [1, 5, 5, 128], filter: [3, 3, 128, 64], stride: 1, pad: 1 },
  { x: [2, 3, 3, 64], filter: [1, 1, 64, 64], stride: 1, pad: 0 },
  { x: [1, 32, 32, 8], filter: [1, 1, 8, 16], stride: 1, pad: 0 },
];

const NAMES: ConvKernel[] = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];

/**
 * Opens the bench page and collects WGSL errors: one does not throw (the pipeline is invalid and the output stays
 * zero, with a console warning). Returns the list, to be empty at the end of the test.
 */
async function openPage(page: Page): Promise<string[]> {
  const gpuErrors: string[] = [];
  page.on('console', (m) => {
    if (/WGSL|Invalid (ShaderModule|ComputePipeline)/.test(m.text())) gpuErrors.push(m.text());
  });
  await page.goto(server.url);
  await page.waitForFunction(() => typeof (window as unknown as BenchWindow).checkConvKernels === 'function');
  return gpuErrors;
}

test('webgpu conv kernels (ours) and rank-5 pad match cpu on odd shapes; flat copies round trip', async ({ page }) => {
  const gpuErrors = await openPage(page);
  const r = await page.evaluate((cases) => (window as unknown as BenchWindow).checkConvKernels(cases), CASES);
  expect(r.registered).toEqual({ Conv2D: true, Conv2DBackpropInput: true, Conv2DBackpropFilter: true });
  expect(r.cases).toHaveLength(CASES.length);
  for (const c of r.cases) {
    console.log(`  ${c.x.join('x')} * ${c.filter.join('x')} s${c.stride} p${c.pad}: `
      + NAMES.map((n) => `${n} ${c.errors[n].maxAbsDiff.toExponential(1)} (|ref| ${c.errors[n].maxAbsRef.toFixed(1)})`).join(', '));
    for (const n of NAMES) {
      const e = c.errors[n];
      // float32 sums of up to 3·32·32 products of values in [-1, 1], in another order than cpu's: 1e-4 of the
      // result's scale (max(1, max |ref|)).
      expect(e.maxAbsRef, `${n} ${JSON.stringify(c)}`).toBeGreaterThan(0);
      expect(e.maxAbsDiff, `${n} ${JSON.stringify(c)}`).toBeLessThan(1e-4 * Math.max(1, e.maxAbsRef));
    }
  }
  expect(r.gradMaxAbsDiff.dx).toBeLessThan(1e-5);
  expect(r.gradMaxAbsDiff.dw).toBeLessThan(1e-5);
  expect(r.pad5MaxAbsDiff).toBe(0);
  expect(r.leakedTensors).toBe(0);
  // The multi-tensor optimizer's gather/scatter as buffer copies: odd-sized pieces come back bit for bit.
  expect(await page.evaluate(() => (window as unknown as BenchWindow).checkFlatCopy())).toBe(true);
  expect(gpuErrors).toEqual([]);
});

// BN running statistics: C not a multiple of 4 or of the 64-thread workgroup and beyond one, n = 1 (no unbiasing),
// 2, a 64x64 batch-2 plane, momentum 0.03 (training) and 0.1 (the stride probe), small and large magnitudes.
const BN_CASES: BnRunningCase[] = [
  { channels: 1, n: 1, momentum: 0.03, scale: 1 },
  { channels: 3, n: 2, momentum: 0.1, scale: 0.01 },
  { channels: 13, n: 8, momentum: 0.03, scale: 100 },
  { channels: 64, n: 8192, momentum: 0.03, scale: 3 },
  { channels: 255, n: 105, momentum: 0.03, scale: 1e4 },
];

test('webgpu BN running-statistics kernel gives the same float32 bits as the ops it replaces', async ({ page }) => {
  const gpuErrors = await openPage(page);
  const r = await page.evaluate((cases) => (window as unknown as BenchWindow).checkBnRunning(cases), BN_CASES);
  expect(r.registered).toBe(true);
  expect(r.cases).toHaveLength(BN_CASES.length);
  for (const c of r.cases) {
    expect(c.values, JSON.stringify(c)).toBe(2 * c.channels);
    expect(c.vsWebgpuOps, JSON.stringify(c)).toBe(0);
    expect(c.vsCpuOps, JSON.stringify(c)).toBe(0);
  }
  expect(r.bnLayer).toEqual({ bitDiffs: 0, values: 2 * 13 });
  expect(r.leakedTensors).toBe(0);
  expect(gpuErrors).toEqual([]);
});

// The optimizer's flat passes: n of 1, not a multiple of 4, past one full grid of 128 x 64 threads (each thread
// then strides over several elements), and yolov5n-sized; with and without clip coefficient, weight decay and
// nesterov; warmup-like and final momentum.
const FLAT_CASES: FlatOpsCase[] = [
  { n: 1, lr: 0.01, momentum: 0.937, weightDecay: 5e-4, nesterov: true, clip: true },
  { n: 7, lr: 0.1, momentum: 0.8, weightDecay: 0, nesterov: true, clip: false },
  { n: 8195, lr: 0.01, momentum: 0.937, weightDecay: 5e-4, nesterov: false, clip: true },
  { n: 1_861_891, lr: 0.00334, momentum: 0.9, weightDecay: 5e-4, nesterov: true, clip: true },
];

test('webgpu flat SGD step and EMA give the ops\' float32 bits; the sum of squares is float32-accurate', async ({ page }) => {
  test.setTimeout(300_000); // cpu reference over ~1.9M values
  const gpuErrors = await openPage(page);
  const r = await page.evaluate((cases) => (window as unknown as BenchWindow).checkFlatOps(cases), FLAT_CASES);
  expect(r.registered).toBe(true);
  expect(r.cases).toHaveLength(FLAT_CASES.length);
  for (const c of r.cases) {
    console.log(`  n ${c.n}: bits differing from ops webgpu ${c.vsWebgpuOps}, cpu ${c.vsCpuOps} of ${c.values}; `
      + `sum of squares vs float64: kernel ${c.sumSquares.relVs64.toExponential(1)}, tf.sum ${c.sumSquares.relOpsVs64.toExponential(1)}`);
    expect(c.values).toBe(3 * c.n);
    expect(c.vsWebgpuOps, JSON.stringify(c)).toBe(0);
    expect(c.vsCpuOps, JSON.stringify(c)).toBe(0);
    // Compensated float32 sums: a few ulp of the result whatever n.
    expect(c.sumSquares.relVs64, JSON.stringify(c)).toBeLessThan(4 * 2 ** -24);
  }
  expect(r.leakedTensors).toBe(0);
  expect(gpuErrors).toEqual([]);
});
