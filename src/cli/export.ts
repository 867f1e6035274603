// `yolo-studio export`: upstream export.py --include onnx. Writes W.onnx next to W.pt (or --out) and prints
// upstream's lines: the source and output shape, the export result with its size, and how to run the file.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkImgSize } from '../core/config/trainOptions';
import { YoloError } from '../core/errors';
import { DEFAULT_OPSET, exportOnnx } from '../core/io/onnx';
import { loadWeights } from '../core/weights';
import { helpText, parseFlags, UsageError, type FlagSpec } from './args';

const FLAGS: FlagSpec = {
  weights: { type: 'string', help: 'model .pt checkpoint' },
  include: { type: 'string', default: 'onnx', help: 'export format: onnx (the only one here)' },
  img: { type: 'string', default: '640', help: 'image size: H or H,W (multiples of the max stride)' },
  opset: { type: 'int', default: DEFAULT_OPSET, help: 'ONNX opset version' },
  dynamic: { type: 'boolean', default: false, help: 'ONNX dynamic axes: batch, height, width' },
  out: { type: 'string', help: 'output file (default: the weights path with .onnx)' },
  help: { type: 'boolean', help: 'show this help' },
};

/** Upstream's other --include formats need PyTorch, TensorFlow or vendor toolchains. */
const UPSTREAM_ONLY = ['torchscript', 'openvino', 'engine', 'coreml', 'saved_model', 'pb', 'tflite', 'edgetpu', 'tfjs', 'paddle'];

const mb = (bytes: number) => (bytes / (1 << 20)).toFixed(1);

function parseImg(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const v = parts.map(Number);
  if (parts.length > 2 || !v.every((x) => Number.isInteger(x) && x > 0)) {
    throw new UsageError(`--img expects a size H or H,W in pixels, got '${raw}'`);
  }
  return v.length === 1 ? [v[0], v[0]] : v; // upstream: imgsz *= 2 if len(imgsz) == 1
}

/** Path.with_suffix('.onnx'): the last extension of the file name replaced (or added). */
function withOnnxSuffix(path: string): string {
  const m = /^(.*[\\/])?([^\\/]+)$/.exec(path)!;
  const dir = m[1] ?? '';
  const dot = m[2].lastIndexOf('.');
  return `${dir}${dot > 0 ? m[2].slice(0, dot) : m[2]}.onnx`;
}

export async function exportCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, FLAGS);
  if (f.help) {
    console.log(helpText('export', 'Export a .pt checkpoint to ONNX, as upstream export.py --include onnx.', FLAGS));
    return;
  }
  if (!f.weights) throw new UsageError('export needs --weights W.pt');
  const formats = (f.include as string).toLowerCase().split(',').map((s) => s.trim());
  const other = formats.filter((x) => x !== 'onnx');
  if (other.length) {
    const known = other.filter((x) => UPSTREAM_ONLY.includes(x));
    throw new UsageError(`--include ${other.join(',')} is not supported: only --include onnx is${known.length ? ` (for ${known.join(', ')} use upstream export.py)` : ''}`);
  }
  const imgsz = parseImg(f.img as string);
  const weights = f.weights as string;
  const t0 = performance.now();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(weights));
  } catch {
    throw new YoloError('weights_not_found', 'cannot read the weights file', { file: weights });
  }
  // Export reads weights and writes a graph: no heavy tensor math, so the cpu backend is enough.
  await tf.setBackend('cpu');
  const { model, names } = loadWeights(bytes, weights);
  try {
    const size = imgsz.map((s) => {
      const c = checkImgSize(s, model.maxStride);
      if (c.warning) console.log(c.warning);
      return c.size;
    }) as [number, number];
    const opset = f.opset as number;
    const dynamic = f.dynamic as boolean;
    const rows = model.stride.reduce((n, s) => n + model.resolved.na * (size[0] / s) * (size[1] / s), 0);
    console.log(`\nPyTorch: starting from ${weights} with output shape (1, ${rows}, ${model.nc + 5}) (${mb(bytes.length)} MB)`);
    console.log(`\nONNX: starting export with opset ${opset}${dynamic ? ', dynamic axes' : ''}...`);
    const t = performance.now();
    const ex = await exportOnnx(model, names, { imgsz: size, opset, dynamic }, weights);
    const out = (f.out as string | undefined) ?? withOnnxSuffix(weights);
    writeFileSync(out, ex.bytes);
    console.log(`ONNX: export success ✅ ${((performance.now() - t) / 1000).toFixed(1)}s, saved as ${out} (${mb(statSync(out).size)} MB)`);
    const input = `images float32 [${ex.inputShape.join(', ')}] (RGB / 255, NCHW)`;
    console.log([
      `\nExport complete (${((performance.now() - t0) / 1000).toFixed(1)}s)`,
      `Results saved to ${resolve(dirname(out))}`,
      `Detect:          python detect.py --weights ${out} `,
      `Validate:        python val.py --weights ${out} `,
      `PyTorch Hub:     model = torch.hub.load('ultralytics/yolov5', 'custom', '${out}')  `,
      `onnxruntime:     InferenceSession(${out}): ${input} -> output0 [${ex.outputShape.join(', ')}] (xywh, obj, classes; NMS not included)`,
      'Visualize:       https://netron.app',
    ].join('\n'));
  } finally {
    model.dispose();
  }
}
