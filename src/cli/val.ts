// `yolo-studio val`: upstream val.py over a data.yaml split with a .pt checkpoint.
import { readFileSync, writeFileSync } from 'node:fs';
import { YoloError } from '../core/errors';
import { formatValTable, runVal } from '../core/val';
import { loadWeights } from '../core/weights';
import { helpText, parseFlags, UsageError, type FlagSpec } from './args';
import { BACKEND_FLAG, startBackend } from './backendFlag';
import { loadSplit } from './dataset';
import { decodeImage } from './image';
import { progressBar } from './progress';

const FLAGS: FlagSpec = {
  weights: { type: 'string', help: 'model .pt checkpoint' },
  data: { type: 'string', help: 'data.yaml' },
  img: { type: 'int', default: 640, help: 'inference size (pixels)' },
  'batch-size': { type: 'int', default: 32, help: 'batch size' },
  'conf-thres': { type: 'number', default: 0.001, help: 'confidence threshold' },
  'iou-thres': { type: 'number', default: 0.6, help: 'NMS IoU threshold' },
  'max-det': { type: 'int', default: 300, help: 'maximum detections per image' },
  task: { type: 'string', default: 'val', help: 'split: train | val | test' },
  'single-cls': { type: 'boolean', default: false, help: 'treat as a single-class dataset' },
  verbose: { type: 'boolean', default: false, help: 'per-class rows even for 50+ classes' },
  json: { type: 'string', help: 'write the metrics as JSON to this file' },
  ...BACKEND_FLAG,
  help: { type: 'boolean', help: 'show this help' },
};

export async function valCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, FLAGS);
  if (f.help) {
    console.log(helpText('val', 'Validate a .pt checkpoint on a dataset split, as upstream val.py.', FLAGS));
    return;
  }
  if (!f.weights || !f.data) throw new UsageError('val needs --weights W.pt and --data D/data.yaml');
  const task = f.task as string;
  if (!['train', 'val', 'test'].includes(task)) throw new UsageError(`--task must be train, val or test, got '${task}'`);
  const backend = await startBackend(f.backend as string);
  const split = await loadSplit(f.data as string, task as 'train' | 'val' | 'test');
  for (const p of split.problems) console.warn(`WARNING ${p}`);
  if (!split.items.length) throw new YoloError('no_images', `no usable images in the '${task}' split`, { file: f.data as string });
  const { model, names } = loadWeights(new Uint8Array(readFileSync(f.weights as string)), f.weights as string);
  try {
    if (names.length !== split.data.nc && !f.singleCls) {
      throw new YoloError('nc_mismatch', `${f.weights} has ${names.length} classes but the data has ${split.data.nc}`, { file: f.data as string });
    }
    console.log(`val: ${split.items.length} images, ${split.backgrounds} backgrounds, ${split.problems.length} corrupt (backend ${backend})`);
    const bar = progressBar('val', Math.ceil(split.items.length / (f.batchSize as number)));
    const r = await runVal(model, split.items, (file) => decodeImage(file), split.data.names, {
      imgsz: f.img as number, batchSize: f.batchSize as number, confThres: f.confThres as number,
      iouThres: f.iouThres as number, maxDet: f.maxDet as number, singleCls: f.singleCls as boolean,
    }, (p) => bar.update(p.batch));
    bar.done();
    console.log(formatValTable(r, f.verbose as boolean, split.data.nc));
    if (f.json) {
      const out = {
        P: r.P, R: r.R, mAP50: r.mAP50, mAP50_95: r.mAP50_95, fitness: r.fitness, images: r.images, instances: r.instances,
        per_class: r.perClass.map((c) => ({ name: c.name, images: c.images, instances: c.instances, P: c.P, R: c.R, mAP50: c.mAP50, mAP50_95: c.mAP50_95 })),
        speed_ms: { 'pre-process': r.speedMs.preprocess, inference: r.speedMs.inference, NMS: r.speedMs.nms },
        backend,
      };
      writeFileSync(f.json as string, `${JSON.stringify(out, null, 2)}\n`);
    }
  } finally {
    model.dispose();
  }
}
