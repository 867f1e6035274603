// The Chromium benches' shared plumbing: a bench page (a folder with an index.html) built by vite into a temp dir
// with vite.config.ts's worker and build settings, so it runs the same bundled tfjs as the studio.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHROMIUM_PATH } from '../e2e/chromium';

const ROOT = resolve(import.meta.dirname, '..');

/** Builds `pageDir` (relative to the repo root, e.g. 'bench/webgpu') into `outDir`. */
export async function buildBenchPage(pageDir: string, outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    root: join(ROOT, pageDir),
    base: './',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

/** Why a Chromium bench cannot run here, or null when Chromium is installed. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} not found (apt-get update && apt-get install -y chromium)`;
}
