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
import { copy, rowsOf, type Internals } from './webgpuFlatCopy';

// The reductions have no workgroup memory and no barriers: one thread per (channel, row split) walks its rows
// alone. On a CPU adapter (SwiftShader) a barrier turns every invocation into a coroutine that yields at each one,
// and the earlier tree reduction (16 channels x 16 row lanes, 5 barriers) cost ~10 ms even for an 8-row layer.
const WG = 64; // threads per workgroup of every program here
/**
 * Row splits per reduction (one thread per channel and split, then a combine dispatch): enough threads for the
 * device (TARGET_THREADS) and no thread walking more than MAX_ROWS rows (a real GPU at 640 px has ~1.6M rows), but
 * no split under MIN_ROWS. Fewer, longer splits would save a CPU adapter the combine dispatches of the 64 px
 * layers (~30 per step), but moved model.0's gradient from 0.7x to 1.2x the upstream parity tolerance (the
 * summation order shifts every BN's backward sums); 64 keeps it at 0.7x.
 */
const TARGET_THREADS = 512;
const MAX_ROWS = 2048;
const MIN_ROWS = 64;

export interface RowPlan { rows: number; splits: number; rowsPerSplit: number }

/** How the B·H·W rows of a per-channel reduction are cut into splits, one thread per channel each (none empty). */
export function planRows(rows: number, channels: number): RowPlan {
  const wanted = Math.max(Math.ceil(TARGET_THREADS / channels), Math.ceil(rows / MAX_ROWS));
  const splits = Math.max(1, Math.min(wanted, Math.floor(rows / MIN_ROWS)));
  const rowsPerSplit = Math.ceil(rows / splits);
  return { rows, splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

abstract class ReductionProgram implements WebGPUProgram {
  abstract variableNames: string[];
  abstract uniforms: string;
  abstract shaderKey: string;
  workgroupSize: [number, number, number] = [WG, 1, 1];
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  outputShape: number[];

  constructor(plan: RowPlan, channels: number) {
    this.outputShape = [plan.splits, 2, channels]; // per split: two rows of C
    this.dispatch = [Math.ceil((plan.splits * channels) / WG), 1, 1];
  }

  /** main()'s body after the prologue; writes result[s·2C + c] and result[s·2C + C + c]. */
  abstract body(): string;

  // Thread index = s·C + c: channel c (adjacent threads, adjacent in memory, NHWC) over rows [r0, r1) of split s.
  // Its sums run in sequence, so they are compensated (Kahan: k.y carries what k.x's last addition lost): plain
  // sequential float32 sums here put yolov5n's model.0 gradient over the upstream parity tolerance (1.14x), where
  // compensated ones stay under it.
  getUserCode(): string {
    return `
      fn kahan(k : ptr<function, vec2<f32>>, v : f32) {
        let y = v - (*k).y;
        let t = (*k).x + y;
        (*k).y = (t - (*k).x) - y;
        (*k).x = t;
      }
      fn main(index : i32) {
        let C = uniforms.yShape[3];
        let S = uniforms.outShape[0];
        if (index >= S * C) { return; }
        let N = uniforms.yShape[0] * uniforms.yShape[1] * uniforms.yShape[2];
        let s = index / C;
        let c = index - s * C;
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
  shaderKey = 'yoloBnSiluStatsFlat';

  body(): string {
    return `
        let k = y[r0 * C + c];
        var acc = vec2<f32>(0.0);
        for (var r = r0; r < r1; r = r + 1) { kahan(&acc, y[r * C + c] - k); }
        let n = f32(r1 - r0);
        let m = k + acc.x / n;
        var sq = vec2<f32>(0.0);
        for (var r = r0; r < r1; r = r + 1) {
          let d = y[r * C + c] - m;
          kahan(&sq, d * d);
        }
        result[s * 2 * C + c] = m;
        result[s * 2 * C + C + c] = sq.x / n;
    `;
  }
}

/** Per split s: Σdz and Σdz·x̂ over its rows, with z = (y − mean)·γ·invstd + β recomputed. params = (4, C). */
class GradSumsProgram extends ReductionProgram {
  variableNames = ['dout', 'y', 'params'];
  uniforms = 'rowsPerSplit : i32, eps : f32,';
  shaderKey = 'yoloBnSiluGradSumsFlat';

  body(): string {
    return `
        let m = params[c];
        let invstd = inverseSqrt(params[C + c] + uniforms.eps);
        let scale = params[2 * C + c] * invstd;
        let shift = params[3 * C + c];
        var sdz = vec2<f32>(0.0);
        var sdzx = vec2<f32>(0.0);
        for (var r = r0; r < r1; r = r + 1) {
          let i = r * C + c;
          let xc = y[i] - m;
          let z = xc * scale + shift;
          let sg = 1.0 / (1.0 + exp(-z));
          let dz = dout[i] * (sg * (1.0 + z * (1.0 - sg)));
          kahan(&sdz, dz);
          kahan(&sdzx, dz * (xc * invstd));
        }
        result[s * 2 * C + c] = sdz.x;
        result[s * 2 * C + C + c] = sdzx.x;
    `;
  }
}

/** (S, 2, C) per-split results -> (2, C), one thread per channel. */
class CombineProgram implements WebGPUProgram {
  variableNames = ['partial'];
  uniforms = 'rows : i32, rowsPerSplit : i32,';
  workgroupSize: [number, number, number] = [WG, 1, 1];
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
    this.dispatch = [Math.ceil(channels / WG), 1, 1];
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
  workgroupSize: [number, number, number] = [WG, 1, 1];
  dispatchLayout = { x: [0, 1, 2, 3] };
  dispatch: [number, number, number];
  outputShape: number[];
  size = true;

  constructor(shape: number[]) {
    this.outputShape = shape;
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(shape) / WG), 1, 1];
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
  const [mean, variance] = rowsOf(backend as unknown as Internals, stats, c, 2);
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
  const [dbeta, dgamma] = rowsOf(internals, sums, c, 2);
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
