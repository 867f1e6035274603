import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Threaded wasm needs SharedArrayBuffer, which browsers only grant to cross-origin-isolated pages.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: {
    format: 'es',
    rolldownOptions: {
      output: {
        // Our errors carry their class name (`ShapeError`) across the worker boundary.
        keepNames: true,
        // Threaded tfjs-backend-wasm starts its pthread workers from `factory.toString()`, a copy of the function's
        // source that loses its closure; it relies on a `typeof _scriptDir !== 'undefined'` guard that mangling
        // (`e is not defined`) and compression (`_scriptDir is not defined`) both break. The e2e wasm test covers it.
        minify: false,
      },
    },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // Error class names survive minification on the page too.
    rolldownOptions: { output: { keepNames: true } },
  },
});
