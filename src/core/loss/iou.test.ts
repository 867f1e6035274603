import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bboxIou, type BboxIouOptions } from './iou';
import { LossInputError } from './errors';
import { readRefJson, type RefTensor } from '../../../test/refs';

const ref = readRefJson<Record<string, RefTensor>>('bbox_iou.json');

const box = (key: string) => tf.tensor2d(ref[key].data.map(Math.fround), ref[key].shape as [number, number]);

const KINDS: Array<[string, BboxIouOptions]> = [
  ['IoU', {}], ['GIoU', { GIoU: true }], ['DIoU', { DIoU: true }], ['CIoU', { CIoU: true }],
];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('bboxIou vs upstream v7.0 bbox_iou', () => {
  for (const fmt of ['xywh', 'xyxy'] as const) {
    for (const [kind, opts] of KINDS) {
      it(`${kind} ${fmt}`, () => {
        const expected = ref[`${kind}_${fmt}`].data;
        const out = tf.tidy(() => bboxIou(box(`box1_${fmt}`), box(`box2_${fmt}`), { ...opts, xywh: fmt === 'xywh' }));
        const got = Array.from(out.dataSync());
        out.dispose();
        expect(got).toHaveLength(20);
        got.forEach((g, i) => {
          const e = expected[i];
          if (Number.isNaN(e)) {
            // identical xywh boxes: float32 rounding makes iou > 1 and upstream's CIoU alpha 0/0.
            expect(g, `pair ${i}`).toBeNaN();
          } else {
            // 1e-6 absolute, or relative for |values| > 1; the reference itself is rounded to 6 significant digits.
            expect(Math.abs(g - e), `pair ${i}: got ${g}, want ${e}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e)));
          }
        });
      });
    }
  }

  it('backpropagates through CIoU with alpha held constant', () => {
    // Upstream computes alpha under no_grad: d(CIoU)/d(box) = d(iou - rho2/c2 - v*alpha) with alpha fixed.
    const b1 = tf.tensor2d([[1.0, 1.2, 2.0, 1.5]]);
    const b2 = tf.tensor2d([[1.3, 1.0, 1.6, 2.2]]);
    const g = tf.grad((x) => tf.sum(bboxIou(x as tf.Tensor2D, b2, { CIoU: true })))(b1);
    const h = 1e-3;
    const f = (vals: number[]) => tf.tidy(() => {
      const x = tf.tensor2d([vals]);
      const iou = bboxIou(x, b2).dataSync()[0];
      const diou = bboxIou(x, b2, { DIoU: true }).dataSync()[0];
      const [w1, h1] = [vals[2], vals[3]];
      const v = (4 / Math.PI ** 2) * (Math.atan(1.6 / 2.2) - Math.atan(w1 / h1)) ** 2;
      return { iou, diou, v };
    });
    const base = f([1.0, 1.2, 2.0, 1.5]);
    const alpha = base.v / (base.v - base.iou + 1 + 1e-7);
    const gradData = g.dataSync();
    for (let k = 0; k < 4; k++) {
      const p = [1.0, 1.2, 2.0, 1.5]; p[k] += h;
      const m = [1.0, 1.2, 2.0, 1.5]; m[k] -= h;
      const fp = f(p); const fm = f(m);
      const numeric = ((fp.diou - alpha * fp.v) - (fm.diou - alpha * fm.v)) / (2 * h);
      expect(Math.abs(gradData[k] - numeric), `coord ${k}`).toBeLessThan(1e-3);   // a differentiated alpha is off by 2.7e-3..4.2e-3 here
    }
    tf.dispose([b1, b2, g]);
  });

  it('rejects boxes that are not (n, 4)', () => {
    const bad = tf.zeros([3, 5]) as tf.Tensor2D;
    const ok = tf.zeros([3, 4]) as tf.Tensor2D;
    expect(() => bboxIou(bad, ok)).toThrow(LossInputError);
    try { bboxIou(ok, bad); } catch (e) { expect((e as LossInputError).code).toBe('LOSS_BOX_SHAPE'); }
    tf.dispose([bad, ok]);
  });
});
