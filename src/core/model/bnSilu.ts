// Train-mode BatchNorm (batch statistics) followed by SiLU as one differentiable op, so a Conv block's BN+SiLU is
// a few kernels forward and backward instead of the dozens autodiff records for the written-out ops. A backend may
// register the two kernels below (src/backend/fixes/webgpuBnSilu.ts: WGSL reductions + element-wise passes);
// elsewhere the same forward and gradient run as plain tf ops. Conv (layers.ts) takes this path only where
// fusedBnSiluActive() says so; otherwise it keeps the written-out ops and autodiff.
//
//   mean = Σy / N,  var = Σ(y − mean)² / N (biased, centred: two passes),  x̂ = (y − mean) · (var + eps)^-½
//   z = γ·x̂ + β,  out = z · σ(z)
//   dz = dout · σ(z) · (1 + z · (1 − σ(z)))
//   dβ = Σdz,  dγ = Σ dz·x̂,  dy = γ·(var + eps)^-½ · (dz − Σdz / N − x̂ · Σ(dz·x̂) / N)
// with Σ over B·H·W per channel and N = B·H·W.
import * as tf from '@tensorflow/tfjs';

/** Kernel names (ours, not tfjs's). inputs { y (B, H, W, C), gamma (C), beta (C) }, attrs { eps };
 * outputs [out (B, H, W, C), mean (C), variance (C) biased]. */
export const BN_SILU_FORWARD = 'YoloBnSiluForward';
/** inputs { dout (B, H, W, C), y, gamma, beta, mean, variance }, attrs { eps }; outputs [dy, dgamma (C), dbeta (C)]. */
export const BN_SILU_BACKWARD = 'YoloBnSiluBackward';

export interface BnSiluAttrs { eps: number }

export interface BnSiluTrainResult {
  /** (B, H, W, C) SiLU(BN(y)); differentiable with respect to y, gamma and beta. */
  out: tf.Tensor4D;
  /** (C) batch mean and biased batch variance: no gradient flows through them (they feed running statistics). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

function hasKernels(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(BN_SILU_FORWARD, backend) !== undefined && tf.getKernel(BN_SILU_BACKWARD, backend) !== undefined;
}

/**
 * Whether Conv blocks use bnSiluTrain in train mode: where the backend registers the fused kernels. On cpu and wasm
 * the tf-ops formulation below is about as much element-wise work as autodiff of the written-out ops (measured in
 * Node wasm, fwd + bwd per BN shape of yolov5n at batch 8: no consistent gain), so they keep that path;
 * unregistering the kernels (the WebGPU bench's "stock" side) brings it back on webgpu too.
 */
export function fusedBnSiluActive(): boolean {
  return hasKernels();
}

// y (B, H, W, C) -> [out, mean (C), variance (C)]: the written-out ops of BatchNorm2d.apply, in the same order.
function forwardOps(y: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor[] {
  const mean = tf.mean(y, [0, 1, 2], true); // (1, 1, 1, C)
  const xc = tf.sub(y, mean);
  const variance = tf.mean(tf.square(xc), [0, 1, 2]); // (C)
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, eps)));
  const z = tf.add(tf.mul(xc, scale), beta);
  return [tf.mul(z, tf.sigmoid(z)), tf.reshape(mean, [-1]), variance];
}

// The gradient as tf ops, recomputing z from y and the saved statistics (nothing activation-sized is saved).
function backwardOps(dout: tf.Tensor4D, y: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, mean: tf.Tensor1D,
  variance: tf.Tensor1D, eps: number): tf.Tensor[] {
  const n = y.shape[0] * y.shape[1] * y.shape[2];
  const invstd = tf.rsqrt(tf.add(variance, eps)); // (C)
  const scale = tf.mul(gamma, invstd);
  const xc = tf.sub(y, mean);
  const z = tf.add(tf.mul(xc, scale), beta);
  const s = tf.sigmoid(z);
  const dz = tf.mul(dout, tf.mul(s, tf.add(1, tf.mul(z, tf.sub(1, s)))));
  const xhat = tf.mul(xc, invstd);
  const dbeta = tf.sum(dz, [0, 1, 2]); // (C)
  const dgamma = tf.sum(tf.mul(dz, xhat), [0, 1, 2]); // (C)
  const dy = tf.mul(tf.sub(tf.sub(dz, tf.div(dbeta, n)), tf.mul(xhat, tf.div(dgamma, n))), scale);
  return [dy, dgamma, dbeta];
}

/**
 * out = SiLU(BatchNorm_train(y)) with the batch's own statistics, plus those statistics for the running averages.
 * Runs the registered kernels when the backend has them, else tf ops. Call inside a tidy (all three results are
 * tracked by the current scope).
 */
export function bnSiluTrain(y: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BnSiluTrainResult {
  const attrs: BnSiluAttrs = { eps };
  const fused = hasKernels();
  // tf.customGrad returns one tensor: the statistics leave through this closure, kept past customGrad's own tidy.
  let stats: tf.Tensor[] = [];
  const op = tf.customGrad(((yIn: tf.Tensor4D, gIn: tf.Tensor1D, bIn: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const [out, mean, variance] = fused
      ? tf.engine().runKernel(BN_SILU_FORWARD, { y: yIn, gamma: gIn, beta: bIn }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]
      : forwardOps(yIn, gIn, bIn, eps);
    save([yIn, gIn, bIn, mean, variance]);
    stats = [tf.keep(mean), tf.keep(variance)];
    return {
      value: out,
      gradFunc: (dout: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [ys, g, b, m, v] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const d = (Array.isArray(dout) ? dout[0] : dout) as tf.Tensor4D;
        if (!fused) return backwardOps(d, ys, g, b, m, v, eps);
        return tf.engine().runKernel(BN_SILU_BACKWARD, { dout: d, y: ys, gamma: g, beta: b, mean: m, variance: v },
          attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Tensor4D>>[0]);
  const out = op(y, gamma, beta) as tf.Tensor4D;
  // Clones join the caller's scope; the kept originals are released (the clones share their data).
  const [mean, variance] = stats.map((t) => tf.clone(t) as tf.Tensor1D);
  tf.dispose(stats);
  return { out, mean, variance };
}
