// Our WebGPU kernels (issue 7: training speed). Installed by select.ts right after tfjs-backend-webgpu is imported:
// that import registers the package's kernels, so anything registered before it would be overwritten.
import { installFix, restoreStock, type KernelFix } from './kernelFix';
import { installWebGpuBnRunning, uninstallWebGpuBnRunning } from './webgpuBnRunning';
import { installWebGpuBnSilu, uninstallWebGpuBnSilu } from './webgpuBnSilu';
import { webgpuConv2DFix } from './webgpuConv2D';
import { webgpuConv2DBackpropFilterFix } from './webgpuConv2DBackpropFilter';
import { webgpuConv2DBackpropInputFix } from './webgpuConv2DBackpropInput';
import { installWebGpuFlatCopy, uninstallWebGpuFlatCopy } from './webgpuFlatCopy';
import { installWebGpuFlatOps, uninstallWebGpuFlatOps } from './webgpuFlatOps';
import { webgpuPadFix } from './webgpuPad';

export const WEBGPU_FIXES: readonly KernelFix[] = [
  webgpuPadFix, // wrong: rank-5 pads do not compile and their command buffer is silently dropped
  webgpuConv2DFix, // speed: stock's GEMMs barrier every few values of K, which a CPU adapter pays per invocation
  webgpuConv2DBackpropInputFix, // speed: the same barriers, and stride 2 masks three quarters of its taps
  webgpuConv2DBackpropFilterFix, // speed: stock is one thread per weight looping over batch·H·W
];

/** Speed-only kernels: the bench's "stock" runs unregister these and keep the correctness fixes. */
export const WEBGPU_SPEED_FIXES: readonly KernelFix[] = [webgpuConv2DFix, webgpuConv2DBackpropInputFix, webgpuConv2DBackpropFilterFix];

/**
 * Our speed-only kernels in groups that can be left out one at a time (the bench's ablation: what each gives).
 * Each install / uninstall is idempotent.
 */
export const WEBGPU_SPEED_GROUPS = {
  conv2d: fixGroup(webgpuConv2DFix),
  convInput: fixGroup(webgpuConv2DBackpropInputFix),
  convFilter: fixGroup(webgpuConv2DBackpropFilterFix),
  // the multi-tensor optimizer's gather/scatter as buffer copies (no stock kernel to replace)
  flatCopy: { install: installWebGpuFlatCopy, uninstall: uninstallWebGpuFlatCopy },
  // its SGD step, EMA update and clip sum of squares as one pass each (core/optim/flatOps.ts)
  flatOps: { install: installWebGpuFlatOps, uninstall: uninstallWebGpuFlatOps },
  // Conv blocks' train-mode BN + SiLU in 2-3 programs each way (core/model/bnSilu.ts)
  bnSilu: { install: installWebGpuBnSilu, uninstall: uninstallWebGpuBnSilu },
  // BN running statistics in one program per layer instead of seven (core/model/bnRunning.ts)
  bnRunning: { install: installWebGpuBnRunning, uninstall: uninstallWebGpuBnRunning },
} as const satisfies Record<string, { install(): void; uninstall(): void }>;

export type WebGpuSpeedGroup = keyof typeof WEBGPU_SPEED_GROUPS;

function fixGroup(fix: KernelFix): { install(): void; uninstall(): void } {
  return { install: () => installFix(fix), uninstall: () => restoreStock(fix) };
}

export function installWebGpuFixes(): void {
  for (const fix of WEBGPU_FIXES) installFix(fix);
  for (const g of Object.values(WEBGPU_SPEED_GROUPS)) g.install();
}

/** Back to tfjs's own speed-path kernels (correctness fixes stay), so a benchmark can time stock and ours in one page. */
export function uninstallWebGpuFixes(): void {
  for (const g of Object.values(WEBGPU_SPEED_GROUPS)) g.uninstall();
}
