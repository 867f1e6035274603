// ComputeLoss parity with upstream (compute_loss.json: bs 2 at 64 px, fixed preds and targets) as ParityChecks,
// run on whatever tfjs backend is current: by computeLoss.test.ts (cpu) and the WebGPU page (e2e/webgpuParity).
// Only the tensor part is here; buildTargets runs on the host and its checks stay in the test.
import * as tf from '@tensorflow/tfjs';
import { relative, tensorCheck, type ParityCheck } from '../../../test/parity';
import type { RefTensor } from '../../../test/refData';
import { computeLoss, type ComputeLossOptions } from './computeLoss';
import type { LossHyp } from './hyp';

export interface ComputeLossRef {
  hyp_scaled: LossHyp & Record<string, number>;
  balance: number[];
  anchors_grid_units: number[][][];
  targets: RefTensor;
  pred: RefTensor[];
  loss: number;
  loss_items: RefTensor;
  build_targets: {
    tcls: RefTensor[];
    tbox: RefTensor[];
    indices: Array<{ b: RefTensor; a: RefTensor; gj: RefTensor; gi: RefTensor }>;
    anch: RefTensor[];
  };
  grad_wrt_pred: RefTensor[];
}

export interface LossTol {
  /** loss and each loss item: relative error. */
  value: number;
  /** dLoss/dPred per level: |d| <= gradRtol |upstream| + gradFloor * (the level's largest |upstream|). */
  gradRtol: number;
  gradFloor: number;
}

// The absolute floor (1e-6 of the level's largest gradient) only matters for entries 6 orders of magnitude below it.
// webgpu (SwiftShader) measured: loss_items[0] (lbox) 3.9e-6 relative, dLoss/dPred 18% of the tolerance, as on cpu.
export const LOSS_TOL = {
  cpu: { value: 1e-5, gradRtol: 1e-4, gradFloor: 1e-6 },
  webgpu: { value: 1e-5, gradRtol: 1e-4, gradFloor: 1e-6 },
} as const satisfies Record<string, LossTol>;

const LOSS_NC = 3;
// Upstream (bs, na, ny, nx, no) -> ours (B, ny, nx, na, no), and back.
const TO_OURS = [0, 2, 3, 1, 4];
const TO_UPSTREAM = [0, 3, 1, 2, 4];

/** The fixture's targets (n, 6) rows [image, class, x, y, w, h], loss options and predictions in our layout. */
export function lossFixture(ref: ComputeLossRef) {
  return {
    targets: Float32Array.from(ref.targets.data),
    opts: (): ComputeLossOptions => ({ anchors: ref.anchors_grid_units, nc: LOSS_NC, hyp: ref.hyp_scaled, balance: ref.balance }),
    loadPreds: (): tf.Tensor[] => ref.pred.map((p) => tf.tidy(() => tf.transpose(tf.tensor(p.data.map(Math.fround), p.shape), TO_OURS))),
  };
}

/** loss and loss_items [lbox, lobj, lcls], relative. */
export async function lossValueChecks(ref: ComputeLossRef, tol: LossTol): Promise<ParityCheck[]> {
  const { targets, opts, loadPreds } = lossFixture(ref);
  const preds = loadPreds();
  const { loss, lossItems } = computeLoss(preds, targets, opts());
  try {
    const items = await lossItems.data();
    return [
      relative('loss', (await loss.data())[0], ref.loss, tol.value),
      ...ref.loss_items.data.map((want, k) => relative(`loss_items[${k}]`, items[k], want, tol.value)),
    ];
  } finally {
    tf.dispose([...preds, loss, lossItems]);
  }
}

/** dLoss/dPred per level, in upstream's layout. */
export async function lossGradChecks(ref: ComputeLossRef, tol: LossTol): Promise<ParityCheck[]> {
  const { targets, opts, loadPreds } = lossFixture(ref);
  const preds = loadPreds();
  const grads = tf.grads((...ps: tf.Tensor[]) => computeLoss(ps, targets, opts()).loss)(preds);
  const checks: ParityCheck[] = [];
  try {
    for (let i = 0; i < grads.length; i++) {
      const want = ref.grad_wrt_pred[i];
      const maxRef = want.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const g = tf.transpose(grads[i], TO_UPSTREAM);
      checks.push(await tensorCheck(`dLoss/dPred[${i}]`, g, want, tol.gradRtol, tol.gradFloor * maxRef));
      g.dispose();
    }
    return checks;
  } finally {
    tf.dispose([...preds, ...grads]);
  }
}
