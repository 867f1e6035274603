// Whole-model gradient parity with upstream (compute_loss.json: yolov5n seed-0 weights, bs 2 at 64 px, train-mode
// forward + ComputeLoss + backward) as ParityChecks, run on whatever tfjs backend is current: by grads.test.ts
// (cpu, wasm) and by the WebGPU page (e2e/webgpuParity, Chromium).
import * as tf from '@tensorflow/tfjs';
import { elementwise, exact, relative, relativeL2, type ParityCheck } from '../../../test/parity';
import { nchwToNhwc, type RefTensor } from '../../../test/refData';
import { computeLoss, type LossHyp } from '../loss';
import { buildModel, modelConfig, type StateDict } from '../model';

export interface GradsRef {
  input: RefTensor;
  targets: RefTensor;
  hyp_scaled: LossHyp;
  loss: number;
  /** Full gradients of a few parameters (conv weights OIHW). */
  grads: Record<string, RefTensor>;
  /** The L2 norm of every parameter's gradient, in upstream parameter order. */
  grad_norms: Record<string, number>;
}

export interface GradsTol {
  /** Listed grads: every element within `scale` of the tensor's largest |grad|, and the whole within `l2` in L2. */
  scale: number;
  l2: number;
  /** Every parameter's grad norm, relative. */
  norm: number;
  /** The loss value, relative. */
  loss: number;
}

// Relative to the tensor, not element-wise: relative error on near-zero entries measures float32 summation order,
// not correctness (model.0's grads pass through the whole train-mode network). Measured on cpu: model.0.conv.weight
// max 6.9e-5 of scale and 5.8e-5 in L2; the Detect grads ~1e-5. wasm (XNNPACK) sums in another order: measured
// model.0.conv.weight 1.2e-4 in L2. webgpu (Chromium, SwiftShader) meets cpu's numbers, with the least margin of
// all: model.0.conv.weight 9.4e-5-9.5e-5 of scale and 9.0e-5 in L2 over three runs (stock tfjs's
// Conv2DBackpropFilter instead of ours: 8.3e-5 / 8.6e-5, so the excess over cpu comes from the rest of the backward).
export const GRADS_TOL = {
  cpu: { scale: 1e-4, l2: 1e-4, norm: 1e-3, loss: 1e-5 },
  wasm: { scale: 3e-4, l2: 3e-4, norm: 1e-3, loss: 1e-5 },
  webgpu: { scale: 1e-4, l2: 1e-4, norm: 1e-3, loss: 1e-5 },
} as const satisfies Record<string, GradsTol>;

/** OIHW -> HWIO flat data, to compare with a conv weight's gradient as tfjs holds it. */
function oihwToHwio(t: RefTensor): Float32Array {
  const [o, i, h, w] = t.shape;
  const out = new Float32Array(t.data.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((y * w + x) * i + b) * o + a] = t.data[((a * i + b) * h + y) * w + x];
  }
  return out;
}

/** One forward + loss + backward of yolov5n nc=3 on the reference batch; checks the loss, listed grads and norms. */
export async function gradChecks(ref: GradsRef, sd: StateDict, tol: GradsTol): Promise<ParityCheck[]> {
  const model = buildModel(modelConfig('yolov5n'), { nc: 3 });
  model.loadStateDict(sd);
  const input = nchwToNhwc(ref.input);
  const x = tf.tensor4d(input.data, input.shape); // (2, 64, 64, 3)
  const targets = Float32Array.from(ref.targets.data);
  const vars = model.trainableVariables();
  const names = model.entries.filter((e) => e.kind === 'conv_weight' || e.kind === 'param').map((e) => e.name);
  const { value, grads } = tf.variableGrads(
    () => computeLoss(model.forwardTrain(x), targets, { anchors: model.anchorGrid(), nc: 3, hyp: ref.hyp_scaled }).loss,
    vars,
  );
  try {
    const checks = [relative('loss', (await value.data())[0], ref.loss, tol.loss)];
    const gradOf = new Map(vars.map((v, i) => [names[i], grads[v.name]]));
    for (const [name, t] of Object.entries(ref.grads)) {
      const expected = t.shape.length === 4 ? oihwToHwio(t) : Float32Array.from(t.data);
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const g = gradOf.get(name)!;
      const got = await g.data();
      // Shapes are ours (HWIO) on both sides: the layout was converted above.
      checks.push(elementwise(`grad ${name}`, { data: got, shape: g.shape }, { data: expected, shape: g.shape }, 0, tol.scale * scale));
      checks.push(relativeL2(`grad ${name} (L2)`, got, expected, tol.l2));
    }
    checks.push(exact('grad_norms keys (upstream parameter order)', Object.keys(ref.grad_norms), names));
    for (const name of names) {
      const n = tf.tidy(() => tf.norm(gradOf.get(name)!));
      checks.push(relative(`grad norm ${name}`, (await n.data())[0], ref.grad_norms[name], tol.norm));
      n.dispose();
    }
    return checks;
  } finally {
    tf.dispose([value, x, ...Object.values(grads)]);
    model.dispose();
  }
}
