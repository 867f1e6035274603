import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { runStock, type KernelFix } from './kernelFix';

// Speed: tfjs 4.22's wasm Tile computes source coordinates element by element. Its common use in a training
// step is broadcastTo from the reduce gradients (reduceGradients.ts): a per-channel (1, 1, 1, C) row repeated
// over (B, H, W). When the output is one block of x repeated (x's leading axes are 1 and only they are
// on which it is tiled), we write the block once and double the filled prefix with copyWithin (memcpy speed).

const tile: tf.KernelFunc = (args) => {
  const wasm = args.backend as BackendWasm;
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  // Axes from k on are not tiled; when x has size 1 on every axis before k, the output is x repeated.
  let k = reps.length;
  while (k > 0 && reps[k - 1] === 1) k--;
  const periodic = x.dtype !== 'string' && x.shape.slice(0, k).every((s) => s === 1);
  if (!periodic) return runStock(wasmTileFix, args);
  const out = wasm.makeOutput(x.shape.map((s, d) => s * reps[d]), x.dtype);
  const xv = wasm.typedArrayFromHeap(x);
  const ov = wasm.typedArrayFromHeap(out);
  const block = xv.length;
  if (ov.length === 0) return out;
  ov.set(xv, 0);
  for (let filled = block; filled < ov.length; filled *= 2) ov.copyWithin(filled, 0, Math.min(filled, ov.length - filled));
  return out;
};

export const wasmTileFix: KernelFix = { kernelName: tf.Tile, backendName: 'wasm', kernelFunc: tile };
