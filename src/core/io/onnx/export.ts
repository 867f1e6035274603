// A YoloModel (eval mode) -> an ONNX ModelProto, as upstream export.py --include onnx writes it: Conv+BN fused,
// input `images` float32 (1, 3, H, W) NCHW in [0, 1], output `output0` (1, N, 5+nc) decoded by Detect in export
// mode, metadata_props stride and names. Pure core: no Node APIs, so the worker runs it on a stored checkpoint.
import { YoloError } from '../../errors';
import type { YoloModel } from '../../model';
import { loadWeights } from '../../weights';
import { detectHead } from './detectHead';
import { GraphBuilder, attr } from './graphBuilder';
import { c3, conv, sppf, upsample } from './layers';
import { exportMetadata } from './metadata';
import { encodeModel, type ValueInfoDef } from './onnxProto';

/** The IR version each opset shipped with (onnx's VERSION_TABLE), the one PyTorch writes for that opset. */
const IR_FOR_OPSET: Readonly<Record<number, number>> = {
  11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10, 22: 10, 23: 11,
};
export const MIN_OPSET = 11;
export const MAX_OPSET = 23;
export const DEFAULT_OPSET = 12;

export class OnnxExportError extends YoloError {}

export interface OnnxExportOptions {
  /** Input (height, width), or one number for a square; each a multiple of the model's max stride. Default 640. */
  imgsz?: number | readonly [number, number];
  /** ONNX opset, 11..23. Default 12, as upstream. */
  opset?: number;
  /** Dynamic batch/height/width (upstream --dynamic): the Detect grid is then computed in the graph. */
  dynamic?: boolean;
}

export interface OnnxExport {
  /** The .onnx file's bytes. */
  bytes: Uint8Array;
  opset: number;
  irVersion: number;
  /** As declared in the graph; symbolic axes are strings ('batch', 'height', 'width', 'anchors'). */
  inputShape: (number | string)[];
  outputShape: (number | string)[];
  /** (1, N, 5+nc) at the export size: what upstream prints as the PyTorch output shape. */
  exampleOutputShape: [number, number, number];
  metadata: [string, string][];
}

/** Exports `model` with class `names` (one per class). The model is read, not changed or disposed. */
export async function exportOnnx(model: YoloModel, names: readonly string[], opts: OnnxExportOptions = {}, file?: string): Promise<OnnxExport> {
  const opset = opts.opset ?? DEFAULT_OPSET;
  const irVersion = IR_FOR_OPSET[opset];
  if (!Number.isInteger(opset) || irVersion === undefined) {
    throw new OnnxExportError('bad_opset', `ONNX opset ${opset} is not supported (use ${MIN_OPSET}..${MAX_OPSET}; upstream's default is ${DEFAULT_OPSET})`, { file });
  }
  const imgsz = opts.imgsz ?? 640;
  const [h, w] = typeof imgsz === 'number' ? [imgsz, imgsz] : imgsz;
  const gs = model.maxStride;
  if (![h, w].every((v) => Number.isInteger(v) && v > 0 && v % gs === 0)) {
    throw new OnnxExportError('bad_img_size', `image size ${h}x${w} must be positive multiples of the max stride ${gs}`, { file });
  }
  const { layers, nc, na } = model.resolved;
  if (names.length !== nc) {
    throw new OnnxExportError('bad_names', `the model has ${nc} classes but ${names.length} names`, { file });
  }
  const dynamic = opts.dynamic ?? false;
  const sd = await model.stateDict(); // upstream layout: OIHW weights, BN buffers
  const g = new GraphBuilder();
  const outs: string[] = [];
  const input = (j: number) => (j === -1 ? 'images' : outs[j]);
  for (const l of layers.slice(0, -1)) {
    const p = `model.${l.index}`;
    const x = input(l.inputs[0]);
    switch (l.kind) {
      case 'Conv': outs[l.index] = conv(g, sd, p, x, l.conv!.k, l.conv!.s, l.conv!.p); break;
      case 'C3': outs[l.index] = c3(g, sd, p, x, l.c3!); break;
      case 'SPPF': outs[l.index] = sppf(g, sd, p, x, l.sppf!); break;
      case 'Upsample': outs[l.index] = upsample(g, p, x, l.upsample!.scale); break;
      case 'Concat': outs[l.index] = g.node('Concat', p, l.inputs.map(input), [attr.int('axis', 1)]); break;
      case 'Detect': throw new OnnxExportError('bad_model', `layer ${l.index}: Detect must be the last layer`, { file });
    }
  }
  const det = layers[layers.length - 1];
  const out = detectHead(g, sd, { index: det.index, nc, na, stride: model.stride, anchors: model.anchorGrid() },
    det.inputs.map(input), dynamic ? null : [h, w]);
  const rows = model.stride.reduce((n, s) => n + na * (h / s) * (w / s), 0);
  // Upstream's dynamic_axes: images {0: batch, 2: height, 3: width}, output0 {0: batch, 1: anchors}.
  const images: ValueInfoDef = { name: 'images', dims: dynamic ? ['batch', 3, 'height', 'width'] : [1, 3, h, w] };
  const output0: ValueInfoDef = { name: out, dims: dynamic ? ['batch', 'anchors', nc + 5] : [1, rows, nc + 5] };
  const metadata = exportMetadata(model.stride, names);
  const bytes = encodeModel({
    irVersion, opset, producerName: 'yolo-studio', metadata,
    graph: { name: model.cfg.name ?? 'yolov5', nodes: g.nodes, initializers: g.initializers, inputs: [images], outputs: [output0] },
  });
  return { bytes, opset, irVersion, inputShape: [...images.dims], outputShape: [...output0.dims], exampleOutputShape: [1, rows, nc + 5], metadata };
}

/**
 * A stored .pt checkpoint -> ONNX bytes (what the studio's export button runs in the worker). Loads the weights as
 * attempt_load does (EMA if present), refuses checkpoints with modules we cannot build, and frees the model after.
 */
export async function checkpointToOnnx(bytes: Uint8Array, fileName: string, opts: OnnxExportOptions = {}): Promise<OnnxExport & { names: string[] }> {
  const { model, names } = loadWeights(bytes, fileName);
  try {
    return { ...(await exportOnnx(model, names, opts, fileName)), names };
  } finally {
    model.dispose();
  }
}
