// Starts scripts/serve.js on a free port for the whole e2e run; the returned function stops it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer } from '../scripts/serve.js';
import { CHROMIUM_PATH } from './chromium';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does)`);
  }
  const server = await startServer({ root: resolve(import.meta.dirname, '..', 'dist'), port: 0 });
  // Environment variables set here reach the test workers.
  process.env.E2E_BASE_URL = server.url;
  return () => server.close();
}
