// Augmented training images per second in Chromium: the GPU path (augment/gpu: plans on the host, pixels as tfjs ops)
// on WebGPU and on wasm, and the CPU path for comparison, each in a fresh module worker as the studio trains. The
// bench page (bench/browser) is built with vite into a temp dir, away from the studio's bundle, served with the
// app's own server (COOP/COEP, so wasm gets its threads) next to a manifest and links to the coco128 images, and
// driven by playwright-core in Debian's Chromium with the e2e flags (--enable-unsafe-webgpu). Here WebGPU is
// SwiftShader, a software rasterizer on the CPU: its figure says the path runs, not what a real GPU does.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { startServer } from '../scripts/serve.js';
import { buildBenchPage, chromiumMissing } from './browserPage';
import { loadSplit } from '../src/cli/dataset';
import type { BenchRequest, BenchResult, ManifestItem } from './browser/protocol';

/** What bench/browser/augmentPage.ts puts on the page's window. */
type BenchWindow = { runAugmentBench(req: BenchRequest): Promise<BenchResult> };

export type BrowserAugmentBench = { results: BenchResult[] } | { skipped: string };

export interface BrowserBenchOptions {
  img?: number;
  batch?: number;
  /** Timed images per run (after a warm-up batch). SwiftShader WebGPU is slow: keep it small. */
  images?: { webgpu: number; wasm: number; cpu: number };
}

/** manifest.json + coco128/<name> links beside the page (the data stays in ../shared; only links are made). */
async function linkDataset(shared: string, outDir: string): Promise<number> {
  const split = await loadSplit(resolve(shared, 'datasets/coco128/data.yaml'), 'train');
  const dir = join(outDir, 'coco128');
  await mkdir(dir, { recursive: true });
  const manifest: ManifestItem[] = [];
  for (const it of split.items) {
    const name = basename(it.file);
    await symlink(it.file, join(dir, name));
    manifest.push({ file: `/coco128/${name}`, shapeWH: [it.shapeWH[0], it.shapeWH[1]], labels: Array.from(it.labels) });
  }
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(manifest));
  return manifest.length;
}

export async function benchAugmentBrowser(shared: string, opts: BrowserBenchOptions = {}): Promise<BrowserAugmentBench> {
  const missing = chromiumMissing();
  if (missing) return { skipped: missing };
  const { img = 640, batch = 8, images = { webgpu: 8, wasm: 16, cpu: 64 } } = opts;
  const outDir = join(tmpdir(), 'yolo-studio-bench-augment');
  await rm(outDir, { recursive: true, force: true });
  await buildBenchPage('bench/browser', outDir);
  await linkDataset(shared, outDir);
  const server = await startServer({ root: outDir, port: 0 });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.warn(`  [chromium ${m.type()}] ${m.text()}`);
    });
    await page.goto(server.url);
    await page.waitForFunction(() => typeof (window as unknown as BenchWindow).runAugmentBench === 'function');
    const runs: BenchRequest[] = [
      { path: 'gpu', backend: 'webgpu', img, batch, images: images.webgpu },
      { path: 'gpu', backend: 'wasm', img, batch, images: images.wasm },
      { path: 'cpu', backend: 'wasm', img, batch, images: images.cpu },
    ];
    const results: BenchResult[] = [];
    for (const req of runs) results.push(await page.evaluate((r) => (window as unknown as BenchWindow).runAugmentBench(r), req));
    return { results };
  } finally {
    await browser.close();
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The Chromium rows under bench/augment.ts's table. */
export function printAugmentBrowser(b: BrowserAugmentBench): void {
  if ('skipped' in b) {
    console.log(`  GPU path (Chromium): skipped: ${b.skipped}`);
    return;
  }
  for (const r of b.results) {
    const name = r.path === 'gpu' ? `GPU path (Chromium, ${r.backend})` : 'CPU path (Chromium worker)';
    const where = r.path === 'gpu' ? (r.backend === 'webgpu' ? r.adapter ?? 'unknown adapter' : `${r.threads ?? 1} thread(s)`) : '1 thread';
    const split = r.path === 'gpu' ? `, of which host plan ${r.planMsPerImage.toFixed(2)} ms` : '';
    console.log(`  ${name}: ${r.imagesPerS.toFixed(1)} images/s wall (${r.msPerImage.toFixed(1)} ms/image${split}; ${where}; batch ${r.batch}, ${r.images} images)`);
    if (r.vsCpu) {
      const v = r.vsCpu;
      console.log(`      pixels vs the CPU path (one batch): mean |diff| ${v.meanAbs.toFixed(3)} levels, ${(100 * v.within2).toFixed(2)}% within 2, max ${v.max}`);
    }
  }
}
