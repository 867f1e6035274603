// Issue 7: the upstream parity fixtures at 64 px (yolov5n forward, ComputeLoss and its gradient, whole-model
// gradients) on the webgpu backend in Chromium (SwiftShader here), with the same *.parity.ts code and the same
// tolerances as the Node tests (cpu, wasm). The page (e2e/webgpuParity) is built like bench/webgpu, into a temp
// dir; the reference files are served to it from ../shared/reference by page.route, never copied.
import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildBenchPage } from '../bench/browserPage';
import { startServer } from '../scripts/serve.js';
import { failedChecks, type ParityCheck } from '../test/parity';
import { REF_DIR } from '../test/refs';
import { PARITY_REF_FILES, type ParityFixture, type ParityRun, type ParityWindow } from './webgpuParity/protocol';

let outDir: string;
let server: { url: string; close(): Promise<void> };
let page: Page;
const gpuErrors: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000); // the vite build of tfjs + both backends
  outDir = await mkdtemp(join(tmpdir(), 'yolo-studio-e2e-webgpu-parity-'));
  await buildBenchPage('e2e/webgpuParity', outDir);
  server = await startServer({ root: outDir, port: 0 });
  page = await browser.newPage();
  // A WGSL error does not throw: the pipeline is invalid and the output stays zero, with a console warning.
  page.on('console', (m) => {
    if (/WGSL|Invalid (ShaderModule|ComputePipeline|CommandBuffer)|GPUValidationError/.test(m.text())) gpuErrors.push(m.text());
  });
  const allowed = new Set<string>(PARITY_REF_FILES);
  await page.route('**/ref/*', async (route) => {
    const name = basename(new URL(route.request().url()).pathname);
    if (!allowed.has(name)) return route.fulfill({ status: 404, body: `${name} is not a parity reference file` });
    // Same-origin isolation headers as scripts/serve.js, so the page's COEP accepts the response.
    return route.fulfill({
      body: await readFile(join(REF_DIR, name)),
      headers: { 'Cross-Origin-Resource-Policy': 'same-origin' },
      contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
    });
  });
  await page.goto(server.url);
  await page.waitForFunction(() => typeof (window as unknown as ParityWindow).runParity === 'function');
});

test.afterAll(async () => {
  await page?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toExponential(2));

/** Runs one fixture on the page and asserts what the Node test asserts: every check within its tolerance. */
async function runFixture(fixture: ParityFixture, expectedChecks: number): Promise<ParityCheck[]> {
  const r: ParityRun = await page.evaluate((f) => (window as unknown as ParityWindow).runParity(f), fixture);
  console.log(`webgpu ${fixture} (${(r.ms / 1000).toFixed(1)} s):`);
  const line = (c: ParityCheck) =>
    console.log(`  ${c.name.padEnd(44)} max|d| ${fmt(c.maxAbsDiff)}  scale ${fmt(c.scale)}  ${(c.ratio * 100).toFixed(1)}% of ${c.tolerance}`);
  // The gradient fixture has a norm check per parameter: print its first checks and the worst of the rest.
  r.checks.slice(0, 12).forEach(line);
  const rest = r.checks.slice(12).sort((a, b) => b.ratio - a.ratio);
  if (rest.length > 0) console.log(`  ... ${rest.length} more checks, the worst 3:`);
  rest.slice(0, 3).forEach(line);
  expect(r.backend).toBe('webgpu');
  expect(r.checks).toHaveLength(expectedChecks);
  expect(failedChecks(r.checks)).toEqual([]);
  expect(r.leakedTensors).toBe(0);
  expect(gpuErrors).toEqual([]);
  return r.checks;
}

test('the page runs tfjs on webgpu with our kernel fixes, as the studio does', async () => {
  const info = await page.evaluate(() => (window as unknown as ParityWindow).parityBackend());
  console.log(`adapter: ${info.adapter} (fallback ${info.isFallbackAdapter}); our webgpu kernels: ${info.fixes.join(', ')}`);
  expect(info.backend).toBe('webgpu');
  expect(info.fixesInstalled).toBe(true);
});

test('forward (model_forward.json): eval decoded + raw outputs element-wise', async () => {
  await runFixture('forwardEval', 4);
});

test('forward (model_forward.json): train raw outputs and model.0 BN buffers', async () => {
  await runFixture('forwardTrain', 6);
});

test('ComputeLoss (compute_loss.json): loss and loss items', async () => {
  await runFixture('lossValue', 4);
});

test('ComputeLoss (compute_loss.json): dLoss/dPred', async () => {
  await runFixture('lossGrad', 3);
});

test('model + loss gradients (compute_loss.json): listed grads and every grad norm', async () => {
  // loss, 2 checks per listed grad (4), the key order, one norm per parameter (yolov5n: 177 parameter tensors)
  const checks = await runFixture('grads', 1 + 2 * 4 + 1 + 177);
  expect(checks[0].name).toBe('loss');
});
