// Train-mode BatchNorm + SiLU (core/model/bnSilu.ts) as our own WGSL programs on WebGPU: forward = per-channel
// statistics (one reduction, plus a tiny combine when the rows are split across workgroups) and one element-wise
// normalize + SiLU pass; backward = one reduction of Σdz and Σdz·x̂ (z recomputed from y) and one element-wise dy
// pass. Autodiff of the written-out ops is ~10 dispatches forward and dozens backward per Conv block.
// Per-channel vectors move between programs as buffer copies (webgpuFlatCopy.ts), not dispatches.
// No value import of tfjs-backend-webgpu here: select.ts (also loaded in Node) pulls this file in.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { BN_SILU_BACKWARD, BN_SILU_FORWARD, type BnSiluAttrs } from '../../core/model/bnSilu';
import { BackendError } from '../errors';
import { copy, type Internals } from './webgpuFlatCopy';

const CH = 16; // channels per reduction workgroup (x): adjacent in memory, NHWC
const LANES = 16; // rows per reduction workgroup (y), each thread strides over the split's rows by LANES
/** Reduction workgroups we aim for before splitting rows further; a split never gets fewer than MIN_ROWS rows. */
const TARGET_WORKGROUPS = 64;
const MIN_ROWS = 256;
const FLAT = 64; // threads per workgroup of the element-wise and combine programs

export interface RowPlan { rows: number; splits: number; rowsPerSplit: number }

/** How the B·H·W rows of a per-channel reduction are cut across workgroups (no split is empty). */
export function planRows(rows: number, channels: number): RowPlan {
  const tiles = Math.ceil(channels / CH);
  const wanted = Math.max(1, Math.ceil(TARGET_WORKGROUPS / tiles));
  const byRows = Math.max(1, Math.floor(rows / MIN_ROWS));
  const rowsPerSplit = Math.ceil(rows / Math.min(wanted, byRows));
  return { rows, splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

// WGSL shared by the reductions: bnTree sums bnA and bnB over the LANES row lanes into lane 0's slots (called from
// uniform control flow: it has barriers).
const reductionPrelude = `
  fn bnTree(lane : i32, cl : i32) {
    for (var h = ${LANES / 2}; h > 0; h = h / 2) {
      if (lane < h) {
        bnA[lane * ${CH} + cl] = bnA[lane * ${CH} + cl] + bnA[(lane + h) * ${CH} + cl];
        bnB[lane * ${CH} + cl] = bnB[lane * ${CH} + cl] + bnB[(lane + h) * ${CH} + cl];
      }
      workgroupBarrier();
    }
  }
  var<workgroup> bnA : array<f32, ${CH * LANES}>;
  var<workgroup> bnB : array<f32, ${CH * LANES}>;
`;

abstract class ReductionProgram implements WebGPUProgram {
  abstract variableNames: string[];
  abstract uniforms: string;
  abstract shaderKey: string;
  workgroupSize: [number, number, number] = [CH, LANES, 1];
  // Non-flat layout: the header calls main() and we index with workgroupId / localId ourselves.
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  outputShape: number[];

  constructor(plan: RowPlan, channels: number) {
    this.outputShape = [plan.splits, 2, channels]; // per split: two rows of C
    this.dispatch = [Math.ceil(channels / CH), plan.splits, 1];
  }

  /** main()'s body after the prologue; writes rows s·2 and s·2 + 1 of the (S, 2, C) result. */
  abstract body(): string;

  // Thread (cl, lane) of workgroup (tile, split s) owns channel c and rows r0 + lane, r0 + lane + LANES, ... < r1.
  getUserCode(): string {
    return `
      ${reductionPrelude}
      fn main() {
        let C = uniforms.yShape[3];
        let N = uniforms.yShape[0] * uniforms.yShape[1] * uniforms.yShape[2];
        let cl = i32(localId.x);
        let lane = i32(localId.y);
        let c = i32(workgroupId.x) * ${CH} + cl;
        let s = i32(workgroupId.y);
        let r0 = s * uniforms.rowsPerSplit;
        let r1 = min(N, r0 + uniforms.rowsPerSplit);
        ${this.body()}
      }
    `;
  }
}

/**
 * Per split s: (mean_s, biased var_s) of its rows, from two passes over them: the sum of y − k with k the split's
 * first value of the channel (so a large common offset does not eat the sum's precision), then the centred squares.
 */
class StatsProgram extends ReductionProgram {
  variableNames = ['y'];
  uniforms = 'rowsPerSplit : i32,';
  shaderKey = 'yoloBnSiluStats';

  body(): string {
    return `
        var acc = 0.0;
        var k = 0.0;
        if (c < C) {
          k = y[r0 * C + c];
          for (var r = r0 + lane; r < r1; r = r + ${LANES}) { acc = acc + (y[r * C + c] - k); }
        }
        bnA[lane * ${CH} + cl] = acc;
        bnB[lane * ${CH} + cl] = 0.0;
        workgroupBarrier();
        bnTree(lane, cl);
        let n = f32(r1 - r0);
        let m = k + bnA[cl] / n;
        workgroupBarrier(); // everyone has read the sum before bnA is reused
        var sq = 0.0;
        if (c < C) {
          for (var r = r0 + lane; r < r1; r = r + ${LANES}) {
            let d = y[r * C + c] - m;
            sq = sq + d * d;
          }
        }
        bnA[lane * ${CH} + cl] = sq;
        workgroupBarrier();
        bnTree(lane, cl);
        if (lane == 0 && c < C) {
          result[s * 2 * C + c] = m;
          result[s * 2 * C + C + c] = bnA[cl] / n;
        }
    `;
  }
}

/** Per split s: Σdz and Σdz·x̂ over its rows, with z = (y − mean)·γ·invstd + β recomputed. params = (4, C). */
class GradSumsProgram extends ReductionProgram {
  variableNames = ['dout', 'y', 'params'];
  uniforms = 'rowsPerSplit : i32, eps : f32,';
  shaderKey = 'yoloBnSiluGradSums';

  body(): string {
    return `
        var sdz = 0.0;
        var sdzx = 0.0;
        if (c < C) {
          let m = params[c];
          let invstd = inverseSqrt(params[C + c] + uniforms.eps);
          let scale = params[2 * C + c] * invstd;
          let shift = params[3 * C + c];
          for (var r = r0 + lane; r < r1; r = r + ${LANES}) {
            let i = r * C + c;
            let xc = y[i] - m;
            let z = xc * scale + shift;
            let sg = 1.0 / (1.0 + exp(-z));
            let dz = dout[i] * (sg * (1.0 + z * (1.0 - sg)));
            sdz = sdz + dz;
            sdzx = sdzx + dz * (xc * invstd);
          }
        }
        bnA[lane * ${CH} + cl] = sdz;
        bnB[lane * ${CH} + cl] = sdzx;
        workgroupBarrier();
        bnTree(lane, cl);
        if (lane == 0 && c < C) {
          result[s * 2 * C + c] = bnA[cl];
          result[s * 2 * C + C + c] = bnB[cl];
        }
    `;
  }
}

/** (S, 2, C) per-split results -> (2, C), one thread per channel. */
class CombineProgram implements WebGPUProgram {
  variableNames = ['partial'];
  uniforms = 'rows : i32, rowsPerSplit : i32,';
  workgroupSize: [number, number, number] = [FLAT, 1, 1];
  dispatchLayout = { x: [0, 1] };
  dispatch: [number, number, number];
  outputShape: number[];
  shaderKey: string;

  /**
   * 'stats': Chan's merge of (mean_s, var_s) with weights w_s = n_s / N: mean = m_0 + Σ w_s·(m_s − m_0) (small
   * terms around split 0's mean, not Σ of large ones), var = Σ w_s·(var_s + (m_s − mean)²) (exact for centred
   * sums). 'sums': plain sums.
   */
  constructor(private readonly mode: 'stats' | 'sums', channels: number) {
    this.outputShape = [2, channels];
    this.dispatch = [Math.ceil(channels / FLAT), 1, 1];
    this.shaderKey = `yoloBnSiluCombine_${mode}`;
  }

  getUserCode(): string {
    const stats = `
          let m0 = partial[c];
          var dm = 0.0;
          for (var s = 1; s < S; s = s + 1) { dm = dm + weightOf(s) * (partial[s * 2 * C + c] - m0); }
          let m = m0 + dm;
          var v = 0.0;
          for (var s = 0; s < S; s = s + 1) {
            let d = partial[s * 2 * C + c] - m;
            v = v + weightOf(s) * (partial[s * 2 * C + C + c] + d * d);
          }
          result[c] = m;
          result[C + c] = v;`;
    const sums = `
          var a = 0.0;
          var b = 0.0;
          for (var s = 0; s < S; s = s + 1) {
            a = a + partial[s * 2 * C + c];
            b = b + partial[s * 2 * C + C + c];
          }
          result[c] = a;
          result[C + c] = b;`;
    return `
      fn weightOf(s : i32) -> f32 {
        return f32(min(uniforms.rows, (s + 1) * uniforms.rowsPerSplit) - s * uniforms.rowsPerSplit) / f32(uniforms.rows);
      }
      fn main(c : i32) {
        let C = uniforms.outShape[1];
        let S = uniforms.partialShape[0];
        if (c < C) {${this.mode === 'stats' ? stats : sums}
        }
      }
    `;
  }
}

abstract class ElementwiseProgram implements WebGPUProgram {
  abstract variableNames: string[];
  abstract shaderKey: string;
  uniforms = 'eps : f32,';
  workgroupSize: [number, number, number] = [FLAT, 1, 1];
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  outputShape: number[];
  size = true;

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(shape) / FLAT), 1, 1];
  }

  /** main()'s body for element `index` (of y's shape) in channel c; writes result[index]. */
  abstract body(): string;

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let C = uniforms.yShape[3];
          let c = index % C;
          ${this.body()}
        }
      }
    `;
  }
}

/** out = z·σ(z), z = (y − mean)·(γ·(var + eps)^-½) + β: the ops of the autodiff path, in its order. */
class NormSiluProgram extends ElementwiseProgram {
  variableNames = ['y', 'stats', 'gamma', 'beta'];
  shaderKey = 'yoloBnSiluNorm';

  body(): string {
    return `
          let scale = gamma[c] * inverseSqrt(stats[C + c] + uniforms.eps);
          let z = (y[index] - stats[c]) * scale + beta[c];
          result[index] = z * (1.0 / (1.0 + exp(-z)));
    `;
  }
}

/** dy = γ·invstd·(dz − Σdz/N − x̂·Σ(dz·x̂)/N), z and dz recomputed as in GradSumsProgram. sums = (2, C). */
class GradInputProgram extends ElementwiseProgram {
  variableNames = ['dout', 'y', 'params', 'sums'];
  shaderKey = 'yoloBnSiluGradInput';

  body(): string {
    return `
          let n = f32(uniforms.yShape[0] * uniforms.yShape[1] * uniforms.yShape[2]);
          let invstd = inverseSqrt(params[C + c] + uniforms.eps);
          let scale = params[2 * C + c] * invstd;
          let xc = y[index] - params[c];
          let z = xc * scale + params[3 * C + c];
          let sg = 1.0 / (1.0 + exp(-z));
          let dz = dout[index] * (sg * (1.0 + z * (1.0 - sg)));
          result[index] = (dz - sums[c] / n - (xc * invstd) * (sums[C + c] / n)) * scale;
    `;
  }
}

function check(kernel: string, y: tf.TensorInfo, vectors: tf.TensorInfo[], more: tf.TensorInfo[] = []): void {
  if (y.shape.length !== 4) throw new BackendError('KERNEL_UNSUPPORTED', `${kernel} (webgpu): y must be rank 4, got [${y.shape}]`);
  const c = y.shape[3];
  for (const t of [y, ...vectors, ...more]) {
    if (t.dtype !== 'float32') throw new BackendError('KERNEL_UNSUPPORTED', `${kernel} (webgpu): only float32, got ${t.dtype} [${t.shape}]`);
  }
  const bad = vectors.find((v) => v.shape.length !== 1 || v.shape[0] !== c)
    ?? more.find((t) => t.shape.join() !== y.shape.join());
  if (bad) throw new BackendError('KERNEL_UNSUPPORTED', `${kernel} (webgpu): shape [${bad.shape}] does not fit y [${y.shape}]`);
}

/** Runs a reduction and, when its rows were split, the combine: (2, C) [or (1, 2, C)], same layout either way. */
function reduce(backend: WebGPUBackend, program: ReductionProgram, mode: 'stats' | 'sums', plan: RowPlan,
  inputs: tf.TensorInfo[], extra: { type: string; data: number[] }[]): tf.TensorInfo {
  const c = inputs[0].shape[3];
  const partial = backend.runWebGPUProgram(program, inputs, 'float32', [{ type: 'int32', data: [plan.rowsPerSplit] }, ...extra]);
  if (plan.splits === 1) return partial;
  const out = backend.runWebGPUProgram(new CombineProgram(mode, c), [partial], 'float32',
    [{ type: 'int32', data: [plan.rows] }, { type: 'int32', data: [plan.rowsPerSplit] }]);
  backend.disposeData(partial.dataId);
  return out;
}

/** Rows k of a (k, C) buffer as (C) tensors (buffer copies). */
function rows(backend: WebGPUBackend, src: tf.TensorInfo, c: number, k: number): tf.TensorInfo[] {
  const b = backend as unknown as Internals;
  return Array.from({ length: k }, (_, i) => {
    const t = b.makeTensorInfo([c], 'float32');
    copy(b, src, i * c, t, 0, c);
    return t;
  });
}

const forward: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
  const backend = be as WebGPUBackend;
  const { y, gamma, beta } = inputs as { y: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  check(BN_SILU_FORWARD, y, [gamma, beta]);
  const { eps } = attrs as unknown as BnSiluAttrs;
  const [b, h, w, c] = y.shape;
  const plan = planRows(b * h * w, c);
  const stats = reduce(backend, new StatsProgram(plan, c), 'stats', plan, [y], []); // [mean; var] (2, C)
  const out = backend.runWebGPUProgram(new NormSiluProgram(y.shape), [y, stats, gamma, beta], 'float32',
    [{ type: 'float32', data: [eps] }]);
  const [mean, variance] = rows(backend, stats, c, 2);
  backend.disposeData(stats.dataId);
  return [out, mean, variance];
};

const backward: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
  const backend = be as WebGPUBackend;
  const { dout, y, gamma, beta, mean, variance } = inputs as Record<string, tf.TensorInfo>;
  check(BN_SILU_BACKWARD, y, [gamma, beta, mean, variance], [dout]);
  const { eps } = attrs as unknown as BnSiluAttrs;
  const [b, h, w, c] = y.shape;
  const plan = planRows(b * h * w, c);
  // (4, C) = [mean; var; γ; β]: one binding instead of four in both programs.
  const internals = backend as unknown as Internals;
  const params = internals.makeTensorInfo([4, c], 'float32');
  [mean, variance, gamma, beta].forEach((t, i) => copy(internals, t, 0, params, i * c, c));
  const epsU = { type: 'float32', data: [eps] };
  const sums = reduce(backend, new GradSumsProgram(plan, c), 'sums', plan, [dout, y, params], [epsU]); // [Σdz; Σdz·x̂]
  const dy = backend.runWebGPUProgram(new GradInputProgram(y.shape), [dout, y, params, sums], 'float32', [epsU]);
  const [dbeta, dgamma] = rows(backend, sums, c, 2);
  backend.disposeData(params.dataId);
  backend.disposeData(sums.dataId);
  return [dy, dgamma, dbeta];
};

/** Registers both kernels for 'webgpu' (after tfjs-backend-webgpu is imported). Idempotent. */
export function installWebGpuBnSilu(): void {
  if (!tf.getKernel(BN_SILU_FORWARD, 'webgpu')) tf.registerKernel({ kernelName: BN_SILU_FORWARD, backendName: 'webgpu', kernelFunc: forward });
  if (!tf.getKernel(BN_SILU_BACKWARD, 'webgpu')) tf.registerKernel({ kernelName: BN_SILU_BACKWARD, backendName: 'webgpu', kernelFunc: backward });
}

/** Unregisters them: Conv blocks go back to the written-out BN + SiLU ops and autodiff (the bench's stock side). */
export function uninstallWebGpuBnSilu(): void {
  if (tf.getKernel(BN_SILU_FORWARD, 'webgpu')) tf.unregisterKernel(BN_SILU_FORWARD, 'webgpu');
  if (tf.getKernel(BN_SILU_BACKWARD, 'webgpu')) tf.unregisterKernel(BN_SILU_BACKWARD, 'webgpu');
}
