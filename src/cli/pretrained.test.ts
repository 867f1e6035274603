// Real upstream checkpoints on real images, through our decode -> letterbox -> forward -> NMS path, against what
// upstream v7.0 printed (../shared/reference/pretrained_*.json, trained_forward.json).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRefJson, SHARED_DIR, type RefTensor } from '../../test/refs';
import { useBackend } from '../../test/backend';
import { letterbox, valSample } from '../core/data';
import { detectImage } from '../core/detect';
import { predictDecoded } from '../core/predict';
import { computeLoss, scaleHyp } from '../core/loss';
import { runVal } from '../core/val';
import { loadSplit } from './dataset';
import { loadWeights, type LoadedWeights } from '../core/weights';
import { decodeImage } from './image';

const COCO = resolve(SHARED_DIR, 'datasets/coco128/images/train2017');
interface TopRow { row: number; values: number[] }
interface Variant { letterbox_call: string; input_shape: number[]; top_rows_by_objectness: TopRow[] }

let yolov5n: LoadedWeights;
beforeAll(async () => {
  await useBackend('wasm');
  yolov5n = loadWeights(new Uint8Array(readFileSync(resolve(SHARED_DIR, 'weights/yolov5n.pt'))), 'yolov5n.pt');
});
afterAll(() => yolov5n.model.dispose());

describe('weights/yolov5n.pt on coco128 (pretrained_forward_A0.json)', () => {
  const ref = readRefJson<{ variants: Record<string, Variant> }>('pretrained_forward_A0.json');
  for (const [name, v] of Object.entries(ref.variants)) {
    it(`${name}: top rows within 5e-3 px (boxes) and 1e-4 (objectness, classes)`, async () => {
      const img = await decodeImage(resolve(COCO, '000000000009.jpg'));
      const lb = letterbox(img, 640, { auto: v.letterbox_call.includes('auto=True'), stride: 32 });
      expect([lb.image.height, lb.image.width]).toEqual(v.input_shape.slice(2));
      const { data, shape } = await predictDecoded(yolov5n.model, [lb.image]);
      const cols = shape[2];
      for (const r of v.top_rows_by_objectness) {
        const got = data.subarray(r.row * cols, (r.row + 1) * cols);
        r.values.forEach((want, k) => {
          expect(Math.abs(got[k] - want), `row ${r.row} col ${k}`).toBeLessThanOrEqual(k < 4 ? 5e-3 : 1e-4);
        });
      }
    });
  }
});

describe('detect (pretrained_detect_A.json)', () => {
  const ref = readRefJson<{ images: { file: string; detections: number[][] }[] }>('pretrained_detect_A.json');
  for (const im of ref.images) {
    it(`${im.file}: the same boxes and classes, coordinates within 1 px, conf within 0.005`, async () => {
      const r = await detectImage(yolov5n.model, await decodeImage(resolve(COCO, im.file)), { imgsz: 640, confThres: 0.25, iouThres: 0.45, maxDet: 1000 });
      expect(r.detections.map((d) => d.cls)).toEqual(im.detections.map((d) => d[0]));
      r.detections.forEach((d, i) => {
        const [, conf, ...box] = im.detections[i];
        expect(Math.abs(d.conf - conf)).toBeLessThanOrEqual(0.005);
        d.box.forEach((v, k) => expect(Math.abs(v - box[k]), `${im.file} det ${i} coord ${k}`).toBeLessThanOrEqual(1));
      });
    });
  }
});

describe('trained synth weights through the val pipeline (trained_forward.json)', () => {
  it('letterboxes val_0000.jpg to the same uint8 input and decodes the same predictions', async () => {
    const ref = readRefJson<{ input_u8_chw: RefTensor; decoded: RefTensor }>('trained_forward.json');
    const w = loadWeights(new Uint8Array(readFileSync(resolve(SHARED_DIR, 'reference/upstream_synth_e100_best.pt'))), 'best.pt');
    const img = await decodeImage(resolve(SHARED_DIR, 'datasets/synth/images/val/val_0000.jpg'));
    const s = valSample(img, new Float32Array(0), [288, 288], 256);
    const [c, h, wd] = ref.input_u8_chw.shape;
    let diff = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < wd; x++) for (let k = 0; k < c; k++) {
      diff = Math.max(diff, Math.abs(s.image.data[(y * wd + x) * 3 + k] - ref.input_u8_chw.data[(k * h + y) * wd + x]));
    }
    expect(diff).toBe(0);
    const { data } = await predictDecoded(w.model, [s.image]);
    // best.pt holds fp16 weights; the reference ran the same fp16-rounded weights in float32.
    const scale = ref.decoded.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    let worst = 0;
    ref.decoded.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(data[i] - v) / (1e-4 * Math.abs(v) + 1e-6 * scale)); });
    expect(worst).toBeLessThanOrEqual(1);
    w.model.dispose();
  });
});

describe('validation loss during training (val/*_loss of results.csv)', () => {
  it('the synth best.pt gives upstream\'s epoch-95 val losses within 1% (fp16 best.pt vs the fp32 EMA it came from)', async () => {
    const w = loadWeights(new Uint8Array(readFileSync(resolve(SHARED_DIR, 'reference/upstream_synth_e100_best.pt'))), 'best.pt');
    const split = await loadSplit(resolve(SHARED_DIR, 'datasets/synth/data.yaml'), 'val');
    const hyp = scaleHyp({ box: 0.05, cls: 0.5, obj: 1.0, cls_pw: 1, obj_pw: 1, anchor_t: 4, fl_gamma: 0, label_smoothing: 0 }, { nc: 3, imgsz: 256, nl: 3 });
    const r = await runVal(w.model, split.items, (f) => decodeImage(f), w.names, {
      imgsz: 256, batchSize: 32, lossFn: (raw, t) => computeLoss(raw, t, { anchors: w.model.anchorGrid(), nc: 3, hyp }).lossItems,
    });
    // upstream_synth_results_e100.csv, epoch 95: val/box_loss, val/obj_loss, val/cls_loss.
    [0.038993, 0.013584, 0.028308].forEach((want, k) => expect(Math.abs(r.lossItems![k] - want) / want, `loss ${k}`).toBeLessThan(0.01));
    w.model.dispose();
  });
});
