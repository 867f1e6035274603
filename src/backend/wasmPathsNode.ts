import { BackendError } from './errors';

const BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/**
 * Directory (with trailing separator) holding tfjs-backend-wasm's binaries in Node.
 * Emscripten's Node loader reads `prefix + name` with fs, so a plain path works; the package's `main`
 * (dist/tf-backend-wasm.node.js) sits next to the binaries. Node builtins come from
 * process.getBuiltinModule so that a browser bundle never sees a `node:` import.
 */
export function nodeWasmDir(): string {
  const { createRequire } = process.getBuiltinModule('node:module');
  const path = process.getBuiltinModule('node:path');
  const fs = process.getBuiltinModule('node:fs');
  const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  const dir = path.dirname(main) + path.sep;
  for (const name of BINARIES) {
    if (!fs.existsSync(dir + name)) {
      throw new BackendError('WASM_BINARY_MISSING', `wasm binary not found: ${dir + name}`);
    }
  }
  return dir;
}
