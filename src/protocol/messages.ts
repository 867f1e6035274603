// Messages between the UI thread and the trainer worker: discriminated unions on `type`, one listener per side.
// Only messages the worker really handles are listed; the training messages (start/pause/stop → step/epoch/
// checkpoint/done) join when the training loop does, so every variant here has a live handler.

/** The tfjs backends the studio can run on. */
export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export function isBackendName(x: unknown): x is BackendName {
  return typeof x === 'string' && (BACKEND_NAMES as readonly string[]).includes(x);
}

/** An Error flattened so it survives structured clone (class identity does not cross the worker boundary). */
export interface PlainError {
  name: string;
  message: string;
  /** The `code` of our Error subclasses (e.g. 'BAD_IMG_SIZE'); 'UNEXPECTED' when the thrower gave none. */
  code: string;
  stack?: string;
}

export type ToWorker =
  /** Choose and initialise a backend; answered by 'ready' (or 'error'). `prefer` forces one backend. */
  | { type: 'init'; prefer?: BackendName }
  /**
   * Smoke check of the whole stack: build yolov5n from `seed`, run one eval forward on a seeded
   * (1, img, img, 3) input in [0,1]. Answered by 'probeResult' (or 'error' with the same id).
   */
  | { type: 'probe'; id: number; prefer?: BackendName; img: number; seed: number; nc?: number };

export type FromWorker =
  | {
      type: 'ready';
      backend: BackendName;
      /** WebGPU only: 'vendor / architecture (description)' of the adapter. */
      adapter?: string;
      isFallbackAdapter?: boolean;
      /** wasm only: threads it runs with (1 = no SharedArrayBuffer, i.e. the page is not cross-origin isolated). */
      threads?: number;
    }
  | {
      type: 'probeResult';
      id: number;
      backend: BackendName;
      adapter?: string;
      isFallbackAdapter?: boolean;
      /** Shape of the decoded eval output, (B, N, 5+nc). */
      shape: number[];
      /** Row-major decoded predictions: xywh in input pixels, objectness, class scores. */
      data: Float32Array;
      /** Wall time of the forward including the readback, milliseconds. */
      ms: number;
    }
  /** `id` is set when the error answers a request that carried one. */
  | { type: 'error'; id?: number; error: PlainError };

/** Flattens anything thrown into a PlainError. */
export function toPlainError(err: unknown): PlainError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      code: typeof code === 'string' ? code : 'UNEXPECTED',
      stack: err.stack,
    };
  }
  return { name: 'Error', message: String(err), code: 'UNEXPECTED' };
}
