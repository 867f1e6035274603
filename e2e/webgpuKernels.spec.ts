// Our WebGPU kernels against the cpu backend, in Chromium's WebGPU (SwiftShader here). Uses the bench page
// (bench/webgpu, built into a temp dir and served on its own port) rather than the app's dist/.
import { expect, test } from '@playwright/test';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebGpuPage } from '../bench/webgpuStep';
import type { BenchWindow, FilterCase } from '../bench/webgpu/protocol';
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
// beyond one 32-wide tile, K long enough to be split across workgroups (and reduced in a second pass).
const CASES: FilterCase[] = [
  { x: [1, 9, 9, 5], filter: [3, 3, 5, 7], stride: 2, pad: 1 },
  { x: [3, 8, 8, 6], filter: [1, 1, 6, 10], stride: 1, pad: 0 },
  { x: [3, 64, 64, 3], filter: [6, 6, 3, 16], stride: 2, pad: 2 },
  { x: [1, 7, 5, 33], filter: [3, 3, 33, 35], stride: 1, pad: 1 },
  { x: [3, 20, 20, 18], filter: [3, 3, 18, 37], stride: 2, pad: 1 },
  { x: [3, 11, 11, 2], filter: [2, 2, 2, 3], stride: 2, pad: 'valid' },
  { x: [1, 10, 10, 7], filter: [3, 3, 7, 5], stride: 1, pad: 'same' },
];

test('webgpu Conv2DBackpropFilter (ours) and rank-5 pad match cpu on odd shapes; flat copies round trip', async ({ page }) => {
  // A WGSL error does not throw: the pipeline is invalid and the output stays zero, with a console warning.
  const gpuErrors: string[] = [];
  page.on('console', (m) => {
    if (/WGSL|Invalid (ShaderModule|ComputePipeline)/.test(m.text())) gpuErrors.push(m.text());
  });
  await page.goto(server.url);
  await page.waitForFunction(() => typeof (window as unknown as BenchWindow).checkFilterGrad === 'function');
  const r = await page.evaluate((cases) => (window as unknown as BenchWindow).checkFilterGrad(cases), CASES);
  expect(r.registered).toBe(true);
  expect(r.cases).toHaveLength(CASES.length);
  for (const c of r.cases) {
    // float32 sums of up to 3·32·32 products of values in [-1, 1]: relative 1e-5 of the result's scale.
    expect(c.maxAbsRef, JSON.stringify(c)).toBeGreaterThan(0);
    expect(c.maxAbsDiff, JSON.stringify(c)).toBeLessThan(1e-5 * Math.max(1, c.maxAbsRef) * 10);
  }
  expect(r.gradMaxAbsDiff).toBeLessThan(1e-5);
  expect(r.pad5MaxAbsDiff).toBe(0);
  // The multi-tensor optimizer's gather/scatter as buffer copies: odd-sized pieces come back bit for bit.
  expect(await page.evaluate(() => (window as unknown as BenchWindow).checkFlatCopy())).toBe(true);
  expect(gpuErrors).toEqual([]);
});
