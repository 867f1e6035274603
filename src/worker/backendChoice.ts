// Which tfjs backend the worker runs on. 'auto' is what a newcomer wants: WebGPU on a real GPU; on a software
// adapter (SwiftShader, isFallbackAdapter) WebGPU is ~15x slower than threaded wasm here (DESIGN.md §3), so wasm,
// and cpu only if wasm cannot start. A named backend is used as is, or fails loudly.
import { initBackend } from '../backend/select';
import type { BackendName, BackendPreference, FromWorker } from '../protocol/messages';

export type Ready = Extract<FromWorker, { type: 'ready' }>;

interface AdapterCheck {
  usable: boolean;
  note?: string;
}

/** Looks at the WebGPU adapter without creating a device (tfjs-backend-webgpu requests its own). */
async function checkWebGpu(): Promise<AdapterCheck> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return { usable: false, note: 'this browser has no WebGPU: training runs on wasm' };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) return { usable: false, note: 'no WebGPU adapter available: training runs on wasm' };
  const legacy = (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const fallback = adapter.info?.isFallbackAdapter ?? legacy ?? false;
  if (fallback) {
    return { usable: false, note: 'the only WebGPU adapter is a software one (no GPU): wasm is faster here, so training runs on wasm' };
  }
  return { usable: true };
}

async function start(prefer: BackendName, note?: string): Promise<Ready> {
  const info = await initBackend({ prefer });
  return { type: 'ready', backend: info.backend, adapter: info.adapter, isFallbackAdapter: info.isFallbackAdapter, threads: info.threads, note };
}

export async function chooseBackend(pref: BackendPreference): Promise<Ready> {
  if (pref !== 'auto') return start(pref);
  const gpu = await checkWebGpu();
  if (gpu.usable) {
    try {
      return await start('webgpu');
    } catch (err) {
      gpu.note = `WebGPU failed to start (${err instanceof Error ? err.message : String(err)}): training runs on wasm`;
    }
  }
  try {
    return await start('wasm', gpu.note);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return start('cpu', `wasm failed to start (${why}): training runs on the slow cpu backend`);
  }
}

/** One backend initialisation at a time; the same preference reuses it, another one re-initialises. */
export class BackendHolder {
  private current: { pref: BackendPreference; ready: Promise<Ready> } | null = null;

  /** The preference of the backend in use (or starting), if any. */
  get currentPreference(): BackendPreference | undefined {
    return this.current?.pref;
  }

  ensure(pref: BackendPreference): Promise<Ready> {
    if (this.current && this.current.pref === pref) return this.current.ready;
    const ready = chooseBackend(pref);
    const entry = { pref, ready };
    this.current = entry;
    // A failed init must not poison later requests.
    ready.catch(() => {
      if (this.current === entry) this.current = null;
    });
    return ready;
  }
}
