// Starts scripts/serve.js on a free port for the whole e2e run; the returned function stops it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer } from '../scripts/serve.js';
import { CHROMIUM_PATH } from './chromium';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does)`);
  }
  // E2E_DIST: another build folder (several builds side by side while developing); CI uses dist/.
  const root = process.env.E2E_DIST ?? resolve(import.meta.dirname, '..', 'dist');
  const server = await startServer({ root, port: 0 });
  // Environment variables set here reach the test workers.
  process.env.E2E_BASE_URL = server.url;
  return () => server.close();
}
