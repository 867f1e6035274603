/** Why a backend could not be chosen or a kernel could not run; `code` is stable for the UI and the CLI. */
export type BackendErrorCode =
  | 'BACKEND_UNSUPPORTED' // the requested backend does not exist in this environment (e.g. webgl in Node)
  | 'BACKEND_INIT_FAILED' // tf.setBackend returned false
  | 'WEBGPU_MISSING' // navigator.gpu is absent
  | 'WEBGPU_NO_ADAPTER' // navigator.gpu.requestAdapter() returned null
  | 'WASM_BINARY_MISSING' // the .wasm files are not where we expect them in Node
  | 'KERNEL_UNSUPPORTED' // a fixed kernel was called with arguments it does not handle
  | 'KERNEL_BAD_INPUT'; // a fixed kernel got invalid data (e.g. an out-of-range gather index)

export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly code: BackendErrorCode,
    message: string,
  ) {
    super(message);
  }
}
