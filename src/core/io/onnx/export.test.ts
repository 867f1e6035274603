// The exported ONNX graph, run by onnxruntime-node, against our own tfjs eval forward (wasm) on real images:
// boxes within 5e-3 px and scores within 1e-4 (absolute), fixed and dynamic shapes, pretrained, upstream-trained
// and freshly trained weights; and detections after NMS against what upstream detect.py printed.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../../test/backend';
import { decodeImage, loadSplit } from '../../../../test/nodeData';
import { focusCheckpointBytes } from '../../../../test/focusCheckpoint';
import { readRefJson, SHARED_DIR } from '../../../../test/refs';
import { tinyDataset } from '../../../../test/tinyDataset';
import { hypPreset } from '../../config/hyps';
import { validateTrainOptions } from '../../config/trainOptions';
import { letterbox, scaleBoxes, type RgbImage } from '../../data';
import { nonMaxSuppression } from '../../metrics';
import type { YoloModel } from '../../model';
import { predictDecoded } from '../../predict';
import { train } from '../../train';
import { loadWeights, type LoadedWeights } from '../../weights';
import { checkpointToOnnx, exportOnnx, OnnxExportError, type OnnxExportOptions } from './export';
import { imageToNchw } from './input';
import { readOnnxSummary } from './protoReader';

const COCO = resolve(SHARED_DIR, 'datasets/coco128/images/train2017');
const SYNTH_VAL = resolve(SHARED_DIR, 'datasets/synth/images/val');
const BOX_TOL = 5e-3;
const SCORE_TOL = 1e-4;
const measured: string[] = [];

const load = (file: string, name: string) => loadWeights(new Uint8Array(readFileSync(file)), name);
const coco = async (file: string) => decodeImage(resolve(COCO, file));

async function runOnnx(s: ort.InferenceSession, images: RgbImage[]): Promise<{ data: Float32Array; dims: number[] }> {
  const one = images.map(imageToNchw);
  const data = new Float32Array(one.reduce((n, x) => n + x.data.length, 0));
  one.forEach((x, i) => data.set(x.data, i * x.data.length));
  const r = await s.run({ images: new ort.Tensor('float32', data, [images.length, ...one[0].dims.slice(1)]) });
  return { data: r.output0.data as Float32Array, dims: [...r.output0.dims] };
}

/** ONNX output vs our tfjs eval forward on the same images: max |diff| over box columns and over score columns. */
async function compare(label: string, s: ort.InferenceSession, model: YoloModel, images: RgbImage[]) {
  const onnx = await runOnnx(s, images);
  const ref = await predictDecoded(model, images);
  expect(onnx.dims).toEqual(ref.shape);
  const no = ref.shape[2];
  let box = 0;
  let score = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const d = Math.abs(onnx.data[i] - ref.data[i]);
    if (!(d <= 1)) throw new Error(`${label}: element ${i} differs by ${d}`); // NaN-safe
    if (i % no < 4) box = Math.max(box, d);
    else score = Math.max(score, d);
  }
  measured.push(`${label} [${onnx.dims}]: max |box diff| ${box.toExponential(2)} px, max |score diff| ${score.toExponential(2)}`);
  expect(box, `${label} boxes`).toBeLessThanOrEqual(BOX_TOL);
  expect(score, `${label} scores`).toBeLessThanOrEqual(SCORE_TOL);
  return onnx;
}

async function exported(model: YoloModel, names: string[], opts: OnnxExportOptions) {
  const ex = await exportOnnx(model, names, opts);
  return { ex, session: await ort.InferenceSession.create(ex.bytes) };
}

let v5n: LoadedWeights;
let synth: LoadedWeights;
beforeAll(async () => {
  await useBackend('wasm');
  v5n = load(resolve(SHARED_DIR, 'weights/yolov5n.pt'), 'yolov5n.pt');
  synth = load(resolve(SHARED_DIR, 'reference/upstream_synth_e100_best.pt'), 'best.pt');
});
afterAll(() => {
  v5n?.model.dispose();
  synth?.model.dispose();
  console.log(measured.join('\n'));
});

describe('weights/yolov5n.pt', () => {
  it('640: images [1,3,640,640] -> output0 [1,25200,85], Conv+BN fused, metadata as upstream, equal to tfjs', async () => {
    const { ex, session } = await exported(v5n.model, v5n.names, { imgsz: 640 });
    const sum = readOnnxSummary(ex.bytes);
    expect([sum.irVersion, sum.opsets]).toEqual([7, [{ domain: '', version: 12 }]]);
    expect(sum.inputs).toEqual([{ name: 'images', dims: [1, 3, 640, 640] }]);
    expect(sum.outputs).toEqual([{ name: 'output0', dims: [1, 25200, 85] }]);
    expect(sum.metadata.stride).toBe('32');
    expect(sum.metadata.names).toMatch(/^\{0: 'person', 1: 'bicycle', 2: 'car', .*, 11: 'stop sign', .*, 79: 'toothbrush'\}$/);
    expect(sum.ops.BatchNormalization).toBeUndefined();
    // One Conv per conv weight of the state_dict (57 fused Conv modules + 3 Detect convs), SiLU as Sigmoid * x.
    expect(sum.ops.Conv).toBe(v5n.model.entries.filter((e) => e.kind === 'conv_weight').length);
    expect(sum.ops.Conv).toBe(60);
    expect(sum.ops.Resize).toBe(2);
    expect(sum.ops.MaxPool).toBe(3);
    expect(session.inputNames).toEqual(['images']);
    expect(session.outputNames).toEqual(['output0']);
    // Square input without auto padding, as upstream detect.py feeds a fixed-shape ONNX model.
    await compare('yolov5n static 640', session, v5n.model, [letterbox(await coco('000000000009.jpg'), 640, { auto: false }).image]);
  });

  it('320: the fixed-size export at --img 320', async () => {
    const { ex, session } = await exported(v5n.model, v5n.names, { imgsz: 320 });
    expect(ex.outputShape).toEqual([1, 6300, 85]);
    await compare('yolov5n static 320', session, v5n.model, [letterbox(await coco('000000000025.jpg'), 320, { auto: false }).image]);
  });

  it('--dynamic: one session takes several sizes and batches; detections after NMS equal pretrained_detect_A.json', async () => {
    const { ex, session } = await exported(v5n.model, v5n.names, { imgsz: 640, dynamic: true });
    const sum = readOnnxSummary(ex.bytes);
    expect(sum.inputs).toEqual([{ name: 'images', dims: ['batch', 3, 'height', 'width'] }]);
    expect(sum.outputs).toEqual([{ name: 'output0', dims: ['batch', 'anchors', 85] }]);
    expect(sum.ops.Range).toBe(6); // the grid is built in the graph, per level from its own shape
    const ref = readRefJson<{ images: { file: string; input_shape: number[]; detections: number[][] }[] }>('pretrained_detect_A.json');
    const sizes = new Set<string>();
    for (const im of ref.images) {
      // detect.py's own preprocessing: letterbox with auto (minimum padding), as our detect does.
      const img = await coco(im.file);
      const lb = letterbox(img, 640, { auto: true, stride: 32 });
      expect([1, 3, lb.image.height, lb.image.width]).toEqual(im.input_shape);
      const out = await compare(`yolov5n dynamic ${lb.image.height}x${lb.image.width}`, session, v5n.model, [lb.image]);
      sizes.add(out.dims.join('x'));
      const det = nonMaxSuppression(out.data, out.dims as [number, number, number], { confThres: 0.25, iouThres: 0.45, maxDet: 1000 })[0];
      scaleBoxes([lb.image.height, lb.image.width], { data: det, stride: 6 }, [img.height, img.width]);
      // The tolerances of our own detect test (src/cli/pretrained.test.ts): same classes in order, conf within 0.005,
      // coordinates within 1 px.
      expect(Array.from({ length: det.length / 6 }, (_, i) => det[i * 6 + 5])).toEqual(im.detections.map((d) => d[0]));
      let worstConf = 0;
      let worstPx = 0;
      im.detections.forEach(([, conf, ...box], i) => {
        worstConf = Math.max(worstConf, Math.abs(det[i * 6 + 4] - conf));
        box.forEach((v, k) => { worstPx = Math.max(worstPx, Math.abs(det[i * 6 + k] - v)); });
      });
      measured.push(`  NMS vs detect.py ${im.file}: ${im.detections.length} boxes, max |conf diff| ${worstConf.toExponential(2)}, max |coord diff| ${worstPx.toExponential(2)} px`);
      expect(worstConf).toBeLessThanOrEqual(0.005);
      expect(worstPx).toBeLessThanOrEqual(1);
    }
    const pair = await Promise.all(['000000000009.jpg', '000000000025.jpg'].map(async (f) => letterbox(await coco(f), 320, { auto: false }).image));
    const batch = await compare('yolov5n dynamic batch 2 x 320x320', session, v5n.model, pair);
    sizes.add(batch.dims.join('x'));
    expect([...sizes]).toEqual(['1x18900x85', '1x17640x85', '2x6300x85']);
  });
});

describe('trained weights', () => {
  it('upstream_synth_e100_best.pt (nc 3, 100 epochs upstream): fixed 320 and dynamic 256 / 320', async () => {
    const synthImg = await decodeImage(resolve(SYNTH_VAL, 'val_0000.jpg'));
    const fixed = await exported(synth.model, synth.names, { imgsz: 320 });
    expect(readOnnxSummary(fixed.ex.bytes).metadata.names).toBe(`{${synth.names.map((n, i) => `${i}: '${n}'`).join(', ')}}`);
    await compare('synth best.pt static 320 (coco)', fixed.session, synth.model, [letterbox(await coco('000000000009.jpg'), 320, { auto: false }).image]);
    const dyn = await exported(synth.model, synth.names, { dynamic: true });
    await compare('synth best.pt dynamic 256 (synth)', dyn.session, synth.model, [letterbox(synthImg, 256, { auto: false }).image]);
    await compare('synth best.pt dynamic 320 auto (coco)', dyn.session, synth.model, [letterbox(await coco('000000000025.jpg'), 320, { auto: true }).image]);
  });

  // Fine-tuned from yolov5n.pt rather than from scratch: one scratch epoch leaves a net whose output hardly depends
  // on the image (2e-4 px apart between two images), which would compare little beyond the Detect biases.
  it('a yolov5n freshly trained here (1 epoch fine-tuning on the tiny synthetic set), exported from its checkpoint bytes', async () => {
    const data = tinyDataset(mkdtempSync(join(tmpdir(), 'ys-onnx-')));
    const tr = await loadSplit(data, 'train');
    const va = await loadSplit(data, 'val');
    const { options } = validateTrainOptions({ data, weights: 'yolov5n.pt', imgsz: 64, batch_size: 2, epochs: 1, noval: true });
    let bytes: Uint8Array | undefined;
    for await (const ev of train({
      options, hyp: hypPreset('scratch-low'), weights: { bytes: new Uint8Array(readFileSync(resolve(SHARED_DIR, 'weights/yolov5n.pt'))), fileName: 'yolov5n.pt' },
      data: { names: tr.data.names, train: tr.items, val: va.items, decode: (f) => decodeImage(f) },
    })) if (ev.type === 'checkpoint') bytes = ev.bytes;
    // The worker's path: stored .pt bytes -> ONNX bytes.
    const before = tf.memory().numTensors;
    const ex = await checkpointToOnnx(bytes!, 'last.pt', { imgsz: 320 });
    expect(tf.memory().numTensors).toBe(before); // the model it built is freed
    expect(ex.names).toEqual(['rectangle', 'circle', 'triangle']);
    const fresh = loadWeights(bytes!, 'last.pt');
    try {
      const session = await ort.InferenceSession.create(ex.bytes);
      await compare('fresh fine-tuned static 320 (coco)', session, fresh.model, [letterbox(await coco('000000000025.jpg'), 320, { auto: false }).image]);
      await compare('fresh fine-tuned static 320 (synth)', session, fresh.model, [letterbox(await decodeImage(resolve(SYNTH_VAL, 'val_0001.jpg')), 320, { auto: false }).image]);
    } finally {
      fresh.model.dispose();
    }
  });
});

describe('opsets and bad input', () => {
  it('opsets 11..23 load and give the opset-12 output, fixed and dynamic', async () => {
    const x = new Float32Array(3 * 64 * 96).map((_, i) => (i % 251) / 251);
    const run = async (opts: OnnxExportOptions) => {
      const s = await ort.InferenceSession.create((await exportOnnx(synth.model, synth.names, { imgsz: [64, 96], ...opts })).bytes);
      return (await s.run({ images: new ort.Tensor('float32', x, [1, 3, 64, 96]) })).output0.data as Float32Array;
    };
    const base = await run({});
    for (const opset of [11, 13, 17, 21, 23]) {
      for (const dynamic of [false, true]) {
        const y = await run({ opset, dynamic });
        expect(y.length).toBe(base.length);
        let d = 0;
        y.forEach((v, i) => { d = Math.max(d, Math.abs(v - base[i])); });
        expect(d, `opset ${opset} dynamic ${dynamic}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('refuses an unknown opset, a size off the stride grid, names that do not match nc, unsupported modules', async () => {
    const fails = async (p: Promise<unknown>, code: string, msg: RegExp) => {
      const e = await p.then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(Error);
      expect([(e as OnnxExportError).code, (e as Error).message]).toEqual([code, expect.stringMatching(msg)]);
    };
    await fails(exportOnnx(synth.model, synth.names, { opset: 10 }), 'bad_opset', /opset 10 is not supported \(use 11\.\.23/);
    await fails(exportOnnx(synth.model, synth.names, { imgsz: 100 }), 'bad_img_size', /100x100 must be .*multiples of the max stride 32/);
    await fails(exportOnnx(synth.model, ['a', 'b'], {}), 'bad_names', /3 classes but 2 names/);
    await fails(checkpointToOnnx(new TextEncoder().encode('not a zip'), 'junk.pt'), 'not_zip', /junk\.pt/);
    await fails(checkpointToOnnx(focusCheckpointBytes(), 'focus.pt'), 'unsupported_module', /focus\.pt: .*models\.common\.Focus/);
  });
});
