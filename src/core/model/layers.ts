// YOLOv5's building blocks on tfjs, NHWC. Names follow the paper/upstream (cv1, cv2, m) so that state_dict keys
// come out identical: `${prefix}.cv1.conv.weight`.
import * as tf from '@tensorflow/tfjs';
import { bnRunningUpdate } from './bnRunning';
import { bnSiluTrain, fusedBnSiluActive } from './bnSilu';
import type { Registry } from './registry';

export const BN_EPS = 1e-3;
/** PyTorch convention: running = (1 - momentum) * running + momentum * batch. */
export const BN_MOMENTUM = 0.03;

export interface Block {
  apply(x: tf.Tensor4D, train: boolean): tf.Tensor4D;
}

export class BatchNorm2d {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly tracked: { value: number };

  constructor(reg: Registry, prefix: string, c: number) {
    this.weight = reg.vector(`${prefix}.weight`, new Float32Array(c).fill(1), 'param', true);
    this.bias = reg.vector(`${prefix}.bias`, new Float32Array(c), 'param', true);
    this.runningMean = reg.vector(`${prefix}.running_mean`, new Float32Array(c), 'running');
    // A freshly built upstream model has already run its stride probe: one train-mode forward on zeros with
    // PyTorch's default momentum 0.1 (momentum 0.03 is set afterwards). Zeros stay zeros through every layer, so
    // each BN saw mean 0 and variance 0: running_var 1 -> 0.9, one batch tracked.
    this.runningVar = reg.vector(`${prefix}.running_var`, new Float32Array(c).fill(0.9), 'running');
    this.tracked = reg.counter(`${prefix}.num_batches_tracked`, 1);
  }

  // x: (B, H, W, C) -> (B, H, W, C)
  apply(x: tf.Tensor4D, train: boolean): tf.Tensor4D {
    if (!train) {
      return tf.batchNorm4d(x, this.runningMean as tf.Tensor1D, this.runningVar as tf.Tensor1D,
        this.bias as tf.Tensor1D, this.weight as tf.Tensor1D, BN_EPS);
    }
    // Train mode normalises with the batch's biased variance but tracks the unbiased one, as PyTorch does.
    // x - mean once, shared by the variance and the output (tf.moments would subtract it a second time).
    const mean = tf.mean(x, [0, 1, 2], true); // (1, 1, 1, C)
    const xc = tf.sub(x, mean);
    const variance = tf.mean(tf.square(xc), [0, 1, 2]); // (C), biased
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    this.updateRunning(tf.reshape(mean, [-1]), variance, n);
    // Written out rather than tf.batchNorm: tfjs's FusedBatchNorm gradient tiles per-channel factors to the full
    // activation shape, the largest cost of a wasm training step; broadcasting mul/add reduce with Sum instead.
    const scale = tf.mul(this.weight, tf.rsqrt(tf.add(variance, BN_EPS)));
    return tf.add(tf.mul(xc, scale), this.bias);
  }

  /** Running statistics move with `momentum` on every train-mode forward; no gradient flows through them. */
  updateRunning(mean: tf.Tensor, variance: tf.Tensor, n: number, momentum = BN_MOMENTUM): void {
    tf.tidy(() => {
      // These values never feed the loss, so the tape leaves them out of the backward pass. One kernel where the
      // backend registers it (webgpu), else seven element-wise ops; the same float32 results either way.
      const [runningMean, runningVar] = bnRunningUpdate(this.runningMean, this.runningVar, mean, variance, { momentum, n });
      this.runningMean.assign(runningMean);
      this.runningVar.assign(runningVar);
    });
    this.tracked.value += 1;
  }
}

/** Conv2d (no bias) + BatchNorm2d + SiLU. */
export class Conv implements Block {
  readonly weight: tf.Variable;
  readonly bn: BatchNorm2d;

  constructor(reg: Registry, prefix: string, c1: number, c2: number, k = 1, private readonly s = 1,
    private readonly p = Math.floor(k / 2)) {
    this.weight = reg.convWeight(`${prefix}.conv.weight`, c2, c1, k);
    this.bn = new BatchNorm2d(reg, `${prefix}.bn`, c2);
  }

  apply(x: tf.Tensor4D, train: boolean): tf.Tensor4D {
    const y = tf.conv2d(x, this.weight as tf.Tensor4D, this.s, this.p);
    if (train && fusedBnSiluActive()) {
      // One op with its own gradient where the backend has fused kernels (webgpu); same statistics and update.
      const { out, mean, variance } = bnSiluTrain(y, this.bn.weight as tf.Tensor1D, this.bn.bias as tf.Tensor1D, BN_EPS);
      this.bn.updateRunning(mean, variance, y.shape[0] * y.shape[1] * y.shape[2]);
      return out;
    }
    const z = this.bn.apply(y, train);
    return tf.mul(z, tf.sigmoid(z)); // SiLU
  }
}

export class Bottleneck implements Block {
  private readonly cv1: Conv;
  private readonly cv2: Conv;
  private readonly add: boolean;

  constructor(reg: Registry, prefix: string, c1: number, c2: number, shortcut: boolean, e = 0.5) {
    const c = Math.trunc(c2 * e);
    this.cv1 = new Conv(reg, `${prefix}.cv1`, c1, c, 1, 1);
    this.cv2 = new Conv(reg, `${prefix}.cv2`, c, c2, 3, 1);
    this.add = shortcut && c1 === c2;
  }

  apply(x: tf.Tensor4D, train: boolean): tf.Tensor4D {
    const y = this.cv2.apply(this.cv1.apply(x, train), train);
    return this.add ? tf.add(x, y) : y;
  }
}

/** CSP bottleneck with 3 convolutions: cv3(cat(m(cv1(x)), cv2(x))). */
export class C3 implements Block {
  private readonly cv1: Conv;
  private readonly cv2: Conv;
  private readonly cv3: Conv;
  private readonly m: Bottleneck[];

  constructor(reg: Registry, prefix: string, a: { c1: number; c2: number; n: number; shortcut: boolean; hidden: number }) {
    const c = a.hidden;
    // Registration order is upstream's attribute order: cv1, cv2, cv3, m.
    this.cv1 = new Conv(reg, `${prefix}.cv1`, a.c1, c, 1, 1);
    this.cv2 = new Conv(reg, `${prefix}.cv2`, a.c1, c, 1, 1);
    this.cv3 = new Conv(reg, `${prefix}.cv3`, 2 * c, a.c2, 1);
    this.m = Array.from({ length: a.n }, (_, j) => new Bottleneck(reg, `${prefix}.m.${j}`, c, c, a.shortcut, 1.0));
  }

  apply(x: tf.Tensor4D, train: boolean): tf.Tensor4D {
    let y = this.cv1.apply(x, train);
    for (const b of this.m) y = b.apply(y, train);
    return this.cv3.apply(tf.concat([y, this.cv2.apply(x, train)], 3), train);
  }
}

/** Spatial pyramid pooling, fast: three chained k x k max-pools instead of parallel 5/9/13. */
export class SPPF implements Block {
  private readonly cv1: Conv;
  private readonly cv2: Conv;

  constructor(reg: Registry, prefix: string, a: { c1: number; c2: number; k: number; hidden: number },
    private readonly k = a.k) {
    this.cv1 = new Conv(reg, `${prefix}.cv1`, a.c1, a.hidden, 1, 1);
    this.cv2 = new Conv(reg, `${prefix}.cv2`, a.hidden * 4, a.c2, 1, 1);
  }

  apply(x: tf.Tensor4D, train: boolean): tf.Tensor4D {
    const pool = (t: tf.Tensor4D) => tf.maxPool(t, this.k, 1, Math.floor(this.k / 2));
    const a = this.cv1.apply(x, train);
    const y1 = pool(a);
    const y2 = pool(y1);
    return this.cv2.apply(tf.concat([a, y1, y2, pool(y2)], 3), train);
  }
}

/** nn.Upsample(scale_factor=s, mode='nearest'): source pixel floor(dst / s), as PyTorch. */
export class Upsample implements Block {
  constructor(private readonly scale: number) {}

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [, h, w] = x.shape;
    return tf.image.resizeNearestNeighbor(x, [h * this.scale, w * this.scale], false, false);
  }
}
