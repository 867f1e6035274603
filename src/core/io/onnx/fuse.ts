// Conv2d (no bias) + eval-mode BatchNorm2d -> one Conv2d with a bias, as upstream's fuse_conv_and_bn does before
// export: w' = w * gamma / sqrt(var + eps), b' = beta - gamma * mean / sqrt(var + eps). Each step is rounded to
// float32 in upstream's order, so the fused weights are the ones a PyTorch export would hold.
import { ShapeError } from '../../errors';
import { BN_EPS } from '../../model/layers';
import type { StateDict, StateTensor } from '../../model';

export interface FusedConv {
  /** (O, I, kh, kw) OIHW, as ONNX's Conv takes it. */
  weight: Float32Array;
  shape: [number, number, number, number];
  bias: Float32Array;
}

const f = Math.fround;

export function tensorOf(sd: StateDict, key: string): StateTensor {
  const t = sd.get(key);
  if (!t) throw new ShapeError('missing_key', `onnx export: the model has no tensor '${key}'`);
  return t;
}

/** `prefix` names a upstream Conv module (`model.2.cv1`): its `conv.weight` and `bn.*`. */
export function fuseConvBn(sd: StateDict, prefix: string, eps = BN_EPS): FusedConv {
  const w = tensorOf(sd, `${prefix}.conv.weight`);
  const gamma = tensorOf(sd, `${prefix}.bn.weight`).data;
  const beta = tensorOf(sd, `${prefix}.bn.bias`).data;
  const mean = tensorOf(sd, `${prefix}.bn.running_mean`).data;
  const variance = tensorOf(sd, `${prefix}.bn.running_var`).data;
  if (w.shape.length !== 4) throw new ShapeError('bad_shape', `onnx export: '${prefix}.conv.weight' has shape [${w.shape}], not OIHW`);
  const [o, i, kh, kw] = w.shape;
  for (const [name, v] of [['weight', gamma], ['bias', beta], ['running_mean', mean], ['running_var', variance]] as const) {
    if (v.length !== o) throw new ShapeError('bad_shape', `onnx export: '${prefix}.bn.${name}' has ${v.length} values for ${o} channels`);
  }
  const per = i * kh * kw;
  const weight = new Float32Array(w.data.length);
  const bias = new Float32Array(o);
  const epsF = f(eps); // PyTorch adds the Python float eps to a float32 tensor in float32
  for (let c = 0; c < o; c++) {
    const std = f(Math.sqrt(f(variance[c] + epsF)));
    const scale = f(gamma[c] / std);
    for (let k = 0; k < per; k++) weight[c * per + k] = f(w.data[c * per + k] * scale);
    bias[c] = f(beta[c] - f(f(gamma[c] * mean[c]) / std));
  }
  return { weight, shape: [o, i, kh, kw], bias };
}
