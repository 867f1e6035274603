// The multi-tensor optimizer's element-wise chains (core/optim/flatOps.ts) as single WGSL passes over the flat
// (n,) buffers: the SGD step (clip coefficient, weight decay, momentum, nesterov, lr: ~9 dispatches per group as
// ops), the EMA update (3) and the clip's sum of squares (2, tfjs's tree Sum behind a Square). yolov5n's buffers
// hold ~1.9M values, and tfjs's element-wise programs give each 64-128 of them a workgroup: ~15-30K workgroups per
// op, whose scheduling is most of the op's time on a CPU adapter (SwiftShader: ~40 ns per element for a multiply).
// Here a fixed grid of GRID workgroups strides over the buffer (adjacent threads, adjacent elements).
// The SGD and EMA passes are bit-identical to the ops: the same float32 constants, the same products and sums in
// the same order, each product through `rounded` (an OR with a uniform 0 on its bits, opaque to the compiler) so
// that no a·b + c is contracted into an fma with one rounding instead of two.
// No value import of tfjs-backend-webgpu here: select.ts (also loaded in Node) pulls this file in.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { FLAT_EMA, FLAT_SGD_STEP, FLAT_SUM_SQUARES, type FlatEmaAttrs, type FlatSgdAttrs } from '../../core/optim/flatOps';
import { BackendError } from '../errors';
import { rowsOf, type Internals } from './webgpuFlatCopy';

const WG = 64;
const GRID = 128; // workgroups of a grid-stride pass (at most)

const ROUNDED = 'fn rounded(v : f32) -> f32 { return bitcast<f32>(bitcast<i32>(v) | uniforms.opaque); }';

/** A 1-D pass over n elements: thread `index` handles index, index + threads, ... */
abstract class GridProgram implements WebGPUProgram {
  abstract variableNames: string[];
  abstract uniforms: string;
  abstract shaderKey: string;
  workgroupSize: [number, number, number] = [WG, 1, 1];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  outputShape: number[];

  constructor(outputShape: number[], n: number) {
    this.outputShape = outputShape;
    this.dispatch = [Math.max(1, Math.min(GRID, Math.ceil(n / WG))), 1, 1];
  }

  abstract getUserCode(): string;
}

/** [w'; buf] (2, n) from g, w, mom (n,) and, with a clip, coef (): sgd.ts's ops in its order. */
class SgdStepProgram extends GridProgram {
  variableNames: string[];
  uniforms = 'lr : f32, momentum : f32, wd : f32, nesterov : i32, opaque : i32,';
  shaderKey: string;

  constructor(n: number, private readonly clip: boolean) {
    super([2 * n], n);
    this.variableNames = clip ? ['g', 'w', 'mom', 'coef'] : ['g', 'w', 'mom'];
    this.shaderKey = `yoloFlatSgdStep_${clip}`;
  }

  getUserCode(): string {
    return `
      ${ROUNDED}
      fn main(index : i32) {
        let n = uniforms.gShape;
        let threads = i32(numWorkgroups.x) * ${WG};
        for (var i = index; i < n; i = i + threads) {
          let gc = ${this.clip ? 'rounded(g[i] * coef[0])' : 'g[i]'};
          var d = gc;
          if (uniforms.wd != 0.0) { d = gc + rounded(w[i] * uniforms.wd); }
          let buf = rounded(mom[i] * uniforms.momentum) + d;
          if (uniforms.nesterov != 0) { d = d + rounded(buf * uniforms.momentum); } else { d = buf; }
          result[i] = w[i] - rounded(d * uniforms.lr);
          result[n + i] = buf;
        }
      }
    `;
  }
}

/** ema·d + model·keep. */
class EmaProgram extends GridProgram {
  variableNames = ['ema', 'model'];
  uniforms = 'd : f32, keep : f32, opaque : i32,';
  shaderKey = 'yoloFlatEma';

  constructor(n: number) {
    super([n], n);
  }

  getUserCode(): string {
    return `
      ${ROUNDED}
      fn main(index : i32) {
        let n = uniforms.emaShape;
        let threads = i32(numWorkgroups.x) * ${WG};
        for (var i = index; i < n; i = i + threads) {
          result[i] = rounded(ema[i] * uniforms.d) + rounded(model[i] * uniforms.keep);
        }
      }
    `;
  }
}

// Compensated (Kahan) sums: k.y carries what k.x's last addition lost.
const KAHAN = `
  fn kahan(k : ptr<function, vec2<f32>>, v : f32) {
    let y = v - (*k).y;
    let t = (*k).x + y;
    (*k).y = (t - (*k).x) - y;
    (*k).x = t;
  }
`;

/** One partial Σx² per thread of the grid (output: threads,). */
class SumSquaresPartialProgram extends GridProgram {
  variableNames = ['x'];
  uniforms = '';
  shaderKey = 'yoloFlatSumSquaresPartial';

  constructor(n: number) {
    super([0], n);
    this.outputShape = [this.dispatch[0] * WG];
  }

  getUserCode(): string {
    return `
      ${KAHAN}
      fn main(index : i32) {
        let n = uniforms.xShape;
        let threads = i32(numWorkgroups.x) * ${WG};
        var acc = vec2<f32>(0.0);
        for (var i = index; i < n; i = i + threads) { kahan(&acc, x[i] * x[i]); }
        result[index] = acc.x;
      }
    `;
  }
}

/** Σ of the partials, by one thread (a few thousand values). Output: a scalar. */
class SumPartialsProgram implements WebGPUProgram {
  variableNames = ['partial'];
  uniforms = '';
  workgroupSize: [number, number, number] = [1, 1, 1];
  dispatchLayout = { x: [] as number[] };
  dispatch: [number, number, number] = [1, 1, 1];
  outputShape: number[] = [];
  shaderKey = 'yoloFlatSumPartials';

  getUserCode(): string {
    return `
      ${KAHAN}
      fn main(index : i32) {
        var acc = vec2<f32>(0.0);
        for (var i = 0; i < uniforms.partialShape; i = i + 1) { kahan(&acc, partial[i]); }
        result[0] = acc.x;
      }
    `;
  }
}

function check(kernel: string, ts: Record<string, tf.TensorInfo>, n: number): void {
  for (const [name, t] of Object.entries(ts)) {
    const ok = t.dtype === 'float32' && (name === 'coef' ? t.shape.length === 0 : t.shape.length === 1 && t.shape[0] === n);
    if (!ok) {
      throw new BackendError('KERNEL_UNSUPPORTED', `${kernel} (webgpu): ${name} must be float32 ${name === 'coef' ? '()' : `(${n})`}, got ${t.dtype} [${t.shape}]`);
    }
  }
}

const f32 = (v: number) => ({ type: 'float32', data: [v] });
const i32 = (v: number) => ({ type: 'int32', data: [v] });

const sgdStep: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
  const backend = be as WebGPUBackend;
  const ts = inputs as Record<string, tf.TensorInfo>;
  const n = ts.g.shape[0];
  check(FLAT_SGD_STEP, ts, n);
  const a = attrs as unknown as FlatSgdAttrs;
  const clip = ts.coef !== undefined;
  const both = backend.runWebGPUProgram(new SgdStepProgram(n, clip), clip ? [ts.g, ts.w, ts.mom, ts.coef] : [ts.g, ts.w, ts.mom],
    'float32', [f32(a.lr), f32(a.momentum), f32(a.weightDecay), i32(a.nesterov ? 1 : 0), i32(0)]);
  const out = rowsOf(backend as unknown as Internals, both, n, 2); // [w', buf]
  backend.disposeData(both.dataId);
  return out;
};

const ema: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
  const backend = be as WebGPUBackend;
  const ts = inputs as Record<string, tf.TensorInfo>;
  const n = ts.ema.shape[0];
  check(FLAT_EMA, ts, n);
  const a = attrs as unknown as FlatEmaAttrs;
  return backend.runWebGPUProgram(new EmaProgram(n), [ts.ema, ts.model], 'float32', [f32(a.d), f32(a.keep), i32(0)]);
};

const sumSquares: tf.KernelFunc = ({ inputs, backend: be }) => {
  const backend = be as WebGPUBackend;
  const x = inputs.x as tf.TensorInfo;
  check(FLAT_SUM_SQUARES, { x }, x.shape[0]);
  const partial = backend.runWebGPUProgram(new SumSquaresPartialProgram(x.shape[0]), [x], 'float32');
  const out = backend.runWebGPUProgram(new SumPartialsProgram(), [partial], 'float32');
  backend.disposeData(partial.dataId);
  return out;
};

const KERNELS: [string, tf.KernelFunc][] = [[FLAT_SGD_STEP, sgdStep], [FLAT_EMA, ema], [FLAT_SUM_SQUARES, sumSquares]];

/** Registers the three kernels for 'webgpu' (after tfjs-backend-webgpu is imported). Idempotent. */
export function installWebGpuFlatOps(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
  }
}

/** Unregisters them: the optimizer and EMA go back to element-wise ops (the bench's stock side). */
export function uninstallWebGpuFlatOps(): void {
  for (const [kernelName] of KERNELS) if (tf.getKernel(kernelName, 'webgpu')) tf.unregisterKernel(kernelName, 'webgpu');
}
