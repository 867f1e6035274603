/// <reference types="vite/client" />
// Browser-only: `?url` makes `vite build` emit the three binaries as assets and gives their final URLs.
// Node never imports this module (select.ts loads it only in the browser branch).
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** File map in the shape `setWasmPaths` wants: binary name -> URL. */
export const browserWasmPaths = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
};
