// The wasm package registers its kernels when first imported; import it before ours so that a later import
// cannot overwrite a fix with the stock kernel.
import '@tensorflow/tfjs-backend-wasm';
import { cpuResizeNearestNeighborGradFix } from './cpuResizeNearestNeighborGrad';
import { installGatherNdGradient } from './gatherNdGradient';
import { installFix, type KernelFix } from './kernelFix';
import { installReduceGradients } from './reduceGradients';
import { wasmConcatFix, wasmSplitVFix } from './wasmConcatSplit';
import { wasmConv2DBackpropFilterFix } from './wasmConv2DBackpropFilter';
import { wasmConv2DBackpropInputFix } from './wasmConv2DBackpropInput';
import { wasmGatherV2Fix } from './wasmGatherV2';
import { wasmCastFix, wasmIdentityFix } from './wasmIdentity';
import { wasmMaxPoolGradFix } from './wasmMaxPoolGrad';
import { wasmMeanFix, wasmSumFix } from './wasmReduce';
import { wasmResizeNearestNeighborGradFix } from './wasmResizeNearestNeighborGrad';
import { wasmAddFix, wasmMultiplyFix, wasmSubFix } from './wasmRowBroadcast';
import { wasmSliceFix } from './wasmSlice';
import { wasmTileFix } from './wasmTile';
import { wasmUnsortedSegmentSumFix } from './wasmUnsortedSegmentSum';

/** Every kernel we replace or add for tfjs 4.22 (see DESIGN.md §3). */
export const KERNEL_FIXES: readonly KernelFix[] = [
  cpuResizeNearestNeighborGradFix, // wrong for batch > 1
  wasmMaxPoolGradFix, // wrong for windows with all values <= 0
  wasmConv2DBackpropFilterFix, // missing on wasm
  wasmConv2DBackpropInputFix, // correct on wasm but ~10x slower than the forward conv
  wasmIdentityFix, // speed: copies the buffer
  wasmCastFix, // speed: copies when the dtype does not change; wrong for casts to bool
  wasmSumFix, // speed: transposes before reducing non-innermost axes
  wasmMeanFix, // same
  wasmSliceFix, // speed: element-by-element for rank > 4
  wasmConcatFix, // speed: a typed-array view per row
  wasmSplitVFix, // same
  wasmTileFix, // speed: per-element index arithmetic (broadcastTo of the reduce gradients)
  wasmResizeNearestNeighborGradFix, // speed: searches a window per input cell; ignores halfPixelCenters
  wasmAddFix, // speed: broadcasting a per-channel vector is 1.6-2.3x a same-shape op
  wasmSubFix, // same
  wasmMultiplyFix, // same
  wasmUnsortedSegmentSumFix, // missing on wasm (gradient of tf.gather)
  wasmGatherV2Fix, // wrong on wasm for batchDims > 0
];

/** Registers all fixes; safe to call any number of times, before or after a backend initialises. */
export function installKernelFixes(): void {
  for (const fix of KERNEL_FIXES) installFix(fix);
  installGatherNdGradient(); // missing on every backend
  installReduceGradients(); // speed: Mean / Sum gradients multiply by a full-size ones tensor
}

export { stockKernel, type KernelFix } from './kernelFix';
