// Which tfjs backend the worker runs on. 'auto' is what a newcomer wants: WebGPU on a real GPU; on a software
// adapter (SwiftShader, isFallbackAdapter) WebGPU is ~15x slower than threaded wasm here (DESIGN.md §3), so wasm,
// and cpu only if wasm cannot start. A named backend is used as is, or fails loudly.
import { initBackend } from '../backend/select';
import type { BackendName, BackendPreference, FromWorker } from '../protocol/messages';
import { currentWebGpuDevice, dropWebGpuBackend, watchDevice } from './deviceLoss';

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

/**
 * One backend initialisation at a time; the same preference reuses it, another one re-initialises. Watches the
 * WebGPU device it started: when that device is lost, `onDeviceLost` is told and recover() starts afresh.
 */
export class BackendHolder {
  private current: { pref: BackendPreference; ready: Promise<Ready> } | null = null;
  /** The backend the newest successful initialisation settled on. */
  private active: BackendName | null = null;
  private watched: GPUDevice | null = null;
  private unwatch: (() => void) | null = null;
  /** Why the WebGPU device was lost ("Device was destroyed. (destroyed)"), until recover() has dealt with it. */
  lostReason: string | null = null;
  /** Told (once per device) when a WebGPU device this holder started is lost. */
  onDeviceLost: ((reason: string) => void) | null = null;

  /** The preference of the backend in use (or starting), if any. */
  get currentPreference(): BackendPreference | undefined {
    return this.current?.pref;
  }

  ensure(pref: BackendPreference): Promise<Ready> {
    if (this.current && this.current.pref === pref) return this.current.ready;
    const ready = chooseBackend(pref);
    const entry = { pref, ready };
    this.current = entry;
    // Registered before the caller's await, so the device is watched before anything computes on it.
    ready.then(
      (r) => {
        if (this.current === entry) this.settled(r);
      },
      // A failed init must not poison later requests.
      () => {
        if (this.current === entry) this.current = null;
      },
    );
    return ready;
  }

  private settled(r: Ready): void {
    this.active = r.backend;
    const device = r.backend === 'webgpu' ? currentWebGpuDevice() : null;
    if (!device || device === this.watched) return;
    this.unwatch?.();
    this.watched = device;
    this.unwatch = watchDevice(device, (reason) => {
      this.lostReason = reason;
      this.onDeviceLost?.(reason);
    });
  }

  /**
   * After a device loss (call it once nothing computes on the dead device any more): tfjs drops the dead webgpu
   * backend, and when it was the backend in use the same preference starts again on a new device, or on wasm when
   * WebGPU cannot start now. Resolves the new backend with a note for the user, or null when the lost device was
   * not the one in use (another backend was chosen since).
   */
  async recover(): Promise<Ready | null> {
    const reason = this.lostReason;
    if (reason === null) return null;
    this.lostReason = null;
    this.unwatch?.();
    this.unwatch = null;
    this.watched = null;
    dropWebGpuBackend();
    if (this.active !== 'webgpu') return null;
    const pref = this.current?.pref ?? 'auto';
    this.current = null;
    this.active = null;
    const lost = `the GPU device was lost (${reason})`;
    try {
      const r = await this.ensure(pref);
      const then = r.backend === 'webgpu' ? 'WebGPU restarted on a new device' : r.note ?? `the worker now runs on ${r.backend}`;
      return { ...r, note: `${lost}: ${then}` };
    } catch (err) {
      const r = await this.ensure('wasm');
      return { ...r, note: `${lost} and WebGPU could not start again (${err instanceof Error ? err.message : String(err)}): training runs on wasm` };
    }
  }
}
