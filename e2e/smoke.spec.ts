// Smoke test of the built studio in Debian's headless Chromium: the page loads, its worker comes up on WebGPU
// (SwiftShader, the software adapter) or threaded wasm, and one yolov5n forward there matches the same forward
// on cpu in Node.
import { expect, test, type Page } from '@playwright/test';
import { initBackend } from '../src/backend/select';
import type { BackendName } from '../src/protocol/messages';
import { runProbe, type ProbeOutput } from '../src/worker/probe';

const IMG = 64;
const SEED = 0;
// |browser - node| <= 1e-3 for every element (decoded xywh in pixels, objectness and class scores); float32 sums
// in a different order (WebGPU vs cpu kernels) measured ~1e-4 here.
const ATOL = 1e-3;

function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) throw new Error('E2E_BASE_URL is not set: run through e2e/playwright.config.ts (its global setup serves dist/)');
  return url;
}

/** Fails the test on any uncaught page or worker error instead of letting it time out silently. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.text().includes('worker sent an error')) errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

// The same probe on cpu in this Node process, computed once for all tests.
let reference: Promise<ProbeOutput> | undefined;
function nodeReference(): Promise<ProbeOutput> {
  reference ??= (async () => {
    const info = await initBackend({ prefer: 'cpu' });
    if (info.backend !== 'cpu') throw new Error(`Node reference wanted cpu, got ${info.backend}`);
    return runProbe({ img: IMG, seed: SEED });
  })();
  return reference;
}

/** Waits until the worker has answered 'ready' or failed, and fails fast (with the page's message) if it failed. */
async function expectBackendReady(page: Page, backend?: BackendName) {
  const line = page.getByTestId('backend');
  await expect(line).not.toHaveAttribute('data-state', 'starting');
  const shown = (await line.textContent()) ?? '';
  expect(await line.getAttribute('data-state'), shown).toBe('ready');
  if (backend) expect(await line.getAttribute('data-backend'), shown).toBe(backend);
}

/** Loads the page with the worker forced to `backend` and runs the probe there. */
async function probeInBrowser(page: Page, backend: BackendName) {
  await page.goto(`${baseUrl()}?backend=${backend}`);
  await expectBackendReady(page, backend);
  // Float32Array does not survive page.evaluate's serialisation; a plain array does.
  return page.evaluate(
    async ({ img, seed, prefer }) => {
      if (!window.__yoloProbe) throw new Error('window.__yoloProbe missing: main.tsx did not run');
      const r = await window.__yoloProbe({ img, seed, prefer });
      return { ...r, data: Array.from(r.data) };
    },
    { img: IMG, seed: SEED, prefer: backend },
  );
}

async function expectMatchesNode(probe: { backend: string; shape: number[]; data: number[]; ms: number }) {
  const ref = await nodeReference();
  // 64 px, strides 8/16/32, 3 anchors: 3 * (64 + 16 + 4) = 252 rows of 5 + 80 values.
  expect(ref.shape).toEqual([1, 252, 85]);
  // Guard against comparing two empty or constant outputs: decoded xy spans the 64 px image.
  expect(Math.max(...ref.data)).toBeGreaterThan(IMG / 2);
  expect(probe.shape).toEqual(ref.shape);
  expect(probe.data.length).toBe(ref.data.length);
  const worst = worstMismatch(probe.data, ref.data);
  console.log(
    `${probe.backend} ${probe.ms.toFixed(0)} ms, node cpu ${ref.ms.toFixed(0)} ms; max |diff| ` +
      `${worst.absDiff.toExponential(2)} at element ${worst.index} (${probe.backend} ${worst.actual}, cpu ${worst.expected})`,
  );
  expect(worst.absDiff, `element ${worst.index}: ${probe.backend} ${worst.actual} vs cpu ${worst.expected}`).toBeLessThanOrEqual(ATOL);
}

test('the page loads and shows the backend its worker chose', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(baseUrl());
  await expect(page).toHaveTitle('yolo-studio');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('yolo-studio');
  await expectBackendReady(page);
  await expect(page.getByTestId('backend')).toHaveText(/^Backend: (webgpu|wasm|webgl|cpu)/);
  // Threaded wasm needs SharedArrayBuffer, which needs the COOP/COEP headers of scripts/serve.js.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(errors).toEqual([]);
});

test('a worker forced to webgpu runs yolov5n on SwiftShader and matches cpu in Node', async ({ page }) => {
  const errors = collectErrors(page);
  const probe = await probeInBrowser(page, 'webgpu');
  await expect(page.getByTestId('backend')).toContainText('swiftshader');
  expect(probe.backend).toBe('webgpu');
  expect(probe.adapter ?? '').toMatch(/swiftshader/i);
  expect(probe.isFallbackAdapter).toBe(true);
  await expectMatchesNode(probe);
  expect(errors).toEqual([]);
});

test('a worker forced to wasm (threaded build) runs yolov5n and matches cpu in Node', async ({ page }) => {
  // The page is cross-origin isolated, so tfjs picks the threaded SIMD binary; its pthread workers start from the
  // bundled factory's source text and die with "worker sent an error" when the bundler mangles it (vite.config.ts).
  const errors = collectErrors(page);
  const probe = await probeInBrowser(page, 'wasm');
  expect(probe.backend).toBe('wasm');
  expect(Number(await page.getByTestId('backend').getAttribute('data-threads'))).toBeGreaterThanOrEqual(1);
  await expectMatchesNode(probe);
  expect(errors).toEqual([]);
});

test('an error in the worker reaches the page with its name and code', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(baseUrl());
  await expectBackendReady(page);
  // 63 px is not a multiple of yolov5n's max stride 32: the model refuses it.
  const failure = await page.evaluate(async () => {
    try {
      await window.__yoloProbe!({ img: 63, seed: 0 });
      return null;
    } catch (err) {
      const e = err as Error & { code?: string };
      return { name: e.name, code: e.code, message: e.message };
    }
  });
  expect(failure).toEqual({ name: 'ShapeError', code: 'bad_input_size', message: expect.stringContaining('63x63') });
  expect(errors).toEqual([]);
});

interface Mismatch {
  /** The element with the largest |actual - expected|. */
  index: number;
  actual: number;
  expected: number;
  absDiff: number;
}

function worstMismatch(actual: number[], expected: Float32Array): Mismatch {
  let worst: Mismatch = { index: -1, actual: NaN, expected: NaN, absDiff: -1 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    // NaN anywhere is a failure, not a silently passing comparison.
    const d = Number.isNaN(a - e) ? Infinity : Math.abs(a - e);
    if (d > worst.absDiff) worst = { index: i, actual: a, expected: e, absDiff: d };
  }
  return worst;
}
