// Playwright runs the e2e specs against the built app (`dist/`), served by scripts/serve.js (the same server as
// `npm start`) on a free port that global-setup publishes as E2E_BASE_URL.
import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  // WebGPU on SwiftShader is slow; one yolov5n forward at 64 px takes seconds, a cold shader cache more.
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  // Tests write only to the OS temp dir.
  outputDir: join(tmpdir(), 'yolo-studio-e2e-results'),
  globalSetup: './global-setup.ts',
  use: {
    browserName: 'chromium',
    // Playwright gives every launch a fresh temporary user-data dir.
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'off',
  },
});
