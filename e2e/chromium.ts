// How the e2e tests launch Debian's Chromium (DESIGN.md §4). Playwright never downloads a browser here.
export const CHROMIUM_PATH = '/usr/bin/chromium';

// --enable-unsafe-webgpu: without it requestAdapter() returns null in headless Chromium on Linux.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];
