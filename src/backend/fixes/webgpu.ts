// Our WebGPU kernels (issue 7: training speed). Installed by select.ts right after tfjs-backend-webgpu is imported:
// that import registers the package's kernels, so anything registered before it would be overwritten.
import { installFix, restoreStock, type KernelFix } from './kernelFix';
import { installWebGpuBnSilu, uninstallWebGpuBnSilu } from './webgpuBnSilu';
import { webgpuConv2DBackpropFilterFix } from './webgpuConv2DBackpropFilter';
import { installWebGpuFlatCopy, uninstallWebGpuFlatCopy } from './webgpuFlatCopy';
import { webgpuPadFix } from './webgpuPad';

export const WEBGPU_FIXES: readonly KernelFix[] = [
  webgpuPadFix, // wrong: rank-5 pads do not compile and their command buffer is silently dropped
  webgpuConv2DBackpropFilterFix, // speed: stock is one thread per weight looping over batch·H·W
];

/** Speed-only kernels: the bench's "stock" runs unregister these and keep the correctness fixes. */
export const WEBGPU_SPEED_FIXES: readonly KernelFix[] = [webgpuConv2DBackpropFilterFix];

export function installWebGpuFixes(): void {
  for (const fix of WEBGPU_FIXES) installFix(fix);
  installWebGpuFlatCopy(); // the multi-tensor optimizer's gather/scatter as buffer copies (no stock kernel to replace)
  installWebGpuBnSilu(); // Conv blocks' train-mode BN + SiLU in 2-3 programs each way (core/model/bnSilu.ts)
}

/** Back to tfjs's own speed-path kernels (correctness fixes stay), so a benchmark can time stock and ours in one page. */
export function uninstallWebGpuFixes(): void {
  for (const fix of WEBGPU_SPEED_FIXES) restoreStock(fix);
  uninstallWebGpuFlatCopy();
  uninstallWebGpuBnSilu();
}
