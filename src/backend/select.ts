import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from './errors';
import { installKernelFixes } from './fixes';
import { installWebGpuFixes } from './fixes/webgpu';
import { nodeWasmDir } from './wasmPathsNode';

export type BackendName = 'webgpu' | 'wasm' | 'cpu' | 'webgl';

export interface BackendOptions {
  /** Use exactly this backend and throw if it cannot start; omitted = try the environment's order. */
  prefer?: BackendName;
  /** XNNPACK threads for threaded wasm (browser, cross-origin isolated only); read once, at wasm's first init. */
  threads?: number;
}

export interface BackendInfo {
  backend: BackendName;
  /** 'vendor / architecture (description)' of the WebGPU adapter. */
  adapter?: string;
  isFallbackAdapter?: boolean;
  /** Threads wasm actually runs with (1 when SharedArrayBuffer or threads are unavailable). */
  threads?: number;
}

const BROWSER_ORDER: BackendName[] = ['webgpu', 'wasm', 'cpu'];
// Node: no WebGPU unless a caller installed navigator.gpu (dawn.node) and asks for it; wasm is ~30x faster than cpu,
// so a broken wasm install must be loud rather than silently fall back.
const NODE_ORDER: BackendName[] = ['wasm'];

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Chooses and initialises the tfjs backend, after installing our kernel fixes (idempotent).
 * With `prefer`, only that backend is tried and its failure is thrown; without, the first that starts wins.
 */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  installKernelFixes();
  if (opts.prefer !== undefined) return start(opts.prefer, opts);
  const order = isNode() ? NODE_ORDER : BROWSER_ORDER;
  const failures: string[] = [];
  for (const name of order) {
    try {
      return await start(name, opts);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    }
  }
  throw new BackendError('BACKEND_INIT_FAILED', `no tfjs backend could start: ${failures.join('; ')}`);
}

async function start(name: BackendName, opts: BackendOptions): Promise<BackendInfo> {
  switch (name) {
    case 'webgpu':
      return startWebGpu();
    case 'wasm':
      return startWasm(opts.threads);
    case 'cpu':
    case 'webgl':
      if (tf.findBackendFactory(name) === null) {
        throw new BackendError('BACKEND_UNSUPPORTED', `backend '${name}' (option prefer) is not available here`);
      }
      await setOrThrow(name);
      return { backend: name };
    default:
      name satisfies never;
      throw new BackendError('BACKEND_UNSUPPORTED', `unknown backend '${String(name)}' in option prefer`);
  }
}

let wasmPathsSet = false;

async function startWasm(threads: number | undefined): Promise<BackendInfo> {
  if (!wasmPathsSet) {
    // setWasmPaths must precede the first wasm init; later calls would be ignored by tfjs anyway.
    if (isNode()) {
      setWasmPaths(nodeWasmDir());
    } else {
      const { browserWasmPaths } = await import('./wasmPathsBrowser');
      setWasmPaths(browserWasmPaths);
    }
    if (threads !== undefined) setThreadsCount(threads);
    wasmPathsSet = true;
  }
  if (isNode() || !(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) {
    await setOrThrow('wasm');
    return { backend: 'wasm', threads: getThreadsCount() };
  }
  // Threaded wasm ships its emscripten factory to pthread workers as source text (factory.toString()).
  // A minifier that compresses that factory (vite's default) breaks it: the pthread workers throw
  // "ReferenceError: e is not defined" and init never settles. Detect that (an uncaught error event, or no
  // start within the timeout) and retry once single-threaded (SIMD only) instead of hanging.
  const scope = globalThis as unknown as EventTarget;
  let failedOnce = false;
  let failure!: (why: string) => void;
  const failed = new Promise<string>((resolve) => (failure = resolve));
  const onError = (e: Event) => {
    e.preventDefault(); // keep the pthread workers' errors from reaching the page as uncaught
    failure((e as ErrorEvent).message || 'error event');
  };
  scope.addEventListener('error', onError);
  try {
    const timeout = sleep(THREADED_INIT_TIMEOUT_MS).then(() => `no start within ${THREADED_INIT_TIMEOUT_MS} ms`);
    const started = await Promise.race([tf.setBackend('wasm'), failed, timeout]);
    if (started === true) {
      await tf.ready();
      return { backend: 'wasm', threads: getThreadsCount() };
    }
    failedOnce = true;
    console.warn(
      `threaded wasm failed (${started === false ? 'setBackend returned false' : started}); retrying ` +
        'single-threaded. A minified build must not compress the tfjs-backend-wasm factory.',
    );
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await setOrThrow('wasm');
    return { backend: 'wasm', threads: getThreadsCount() };
  } finally {
    // After a failure the rest of the pthread pool throws the same error a moment later: absorb those too.
    if (failedOnce) setTimeout(() => scope.removeEventListener('error', onError), 5_000);
    else scope.removeEventListener('error', onError);
  }
}

const THREADED_INIT_TIMEOUT_MS = 20_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function startWebGpu(): Promise<BackendInfo> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    throw new BackendError(
      'WEBGPU_MISSING',
      "backend 'webgpu': navigator.gpu is missing (no WebGPU here; headless Chromium needs --enable-unsafe-webgpu)",
    );
  }
  // Same descriptor tfjs-backend-webgpu uses, so we describe the adapter it will get.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new BackendError('WEBGPU_NO_ADAPTER', "backend 'webgpu': navigator.gpu.requestAdapter() returned null");
  }
  // The package registers its backend at import time only if navigator.gpu exists, hence the late import.
  await import('@tensorflow/tfjs-backend-webgpu');
  installWebGpuFixes(); // after the import, which registers (and would overwrite) the stock kernels
  await setOrThrow('webgpu');
  const info = adapter.info;
  // Chromium moved isFallbackAdapter from GPUAdapter to GPUAdapterInfo; read whichever exists.
  const legacy = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return {
    backend: 'webgpu',
    adapter: describeAdapter(info),
    isFallbackAdapter: info?.isFallbackAdapter ?? legacy ?? false,
  };
}

function describeAdapter(info: GPUAdapterInfo | undefined): string {
  if (!info) return 'unknown adapter';
  const head = [info.vendor, info.architecture].filter((s) => s).join(' / ') || 'unknown adapter';
  return info.description ? `${head} (${info.description})` : head;
}

async function setOrThrow(name: BackendName): Promise<void> {
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new BackendError('BACKEND_INIT_FAILED', `backend '${name}' failed to initialise: ${why}`);
  }
  if (!ok) {
    throw new BackendError('BACKEND_INIT_FAILED', `backend '${name}' failed to initialise (tf.setBackend returned false)`);
  }
  await tf.ready();
}
