// `yolo-studio detect`: upstream detect.py over an image or a folder; prints detections, optionally writes JSON.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isImagePath } from '../core/data';
import { detectImage, type Detection } from '../core/detect';
import { YoloError } from '../core/errors';
import { loadWeights } from '../core/weights';
import { helpText, parseFlags, UsageError, type FlagSpec } from './args';
import { BACKEND_FLAG, startBackend } from './backendFlag';
import { nodeFs } from './dataset';
import { decodeImage } from './image';
import { progressBar } from './progress';

const FLAGS: FlagSpec = {
  weights: { type: 'string', help: 'model .pt checkpoint' },
  source: { type: 'string', help: 'an image file or a folder of images' },
  img: { type: 'int', default: 640, help: 'inference size (pixels)' },
  'conf-thres': { type: 'number', default: 0.25, help: 'confidence threshold' },
  'iou-thres': { type: 'number', default: 0.45, help: 'NMS IoU threshold' },
  'max-det': { type: 'int', default: 1000, help: 'maximum detections per image' },
  'agnostic-nms': { type: 'boolean', default: false, help: 'class-agnostic NMS' },
  json: { type: 'string', help: 'write {"<file name>": [[cls, conf, x1, y1, x2, y2], ...]} (original pixels)' },
  ...BACKEND_FLAG,
  help: { type: 'boolean', help: 'show this help' },
};

function sources(source: string): string[] {
  if (!existsSync(source)) throw new YoloError('source_not_found', 'no such file or folder', { file: source });
  if (statSync(source).isFile()) return [source];
  return nodeFs.listFiles(source).filter(isImagePath).sort();
}

/** detect.py's per-image summary: counts per class, "2 persons, 1 bus, ". */
function counts(dets: Detection[], names: readonly string[]): string {
  const n = new Map<number, number>();
  for (const d of dets) n.set(d.cls, (n.get(d.cls) ?? 0) + 1);
  return [...n.keys()].sort((a, b) => a - b).map((c) => `${n.get(c)} ${names[c] ?? c}${n.get(c)! > 1 ? 's' : ''}, `).join('');
}

export async function detectCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, FLAGS);
  if (f.help) {
    console.log(helpText('detect', 'Detect objects in images with a .pt checkpoint, as upstream detect.py.', FLAGS));
    return;
  }
  if (!f.weights || !f.source) throw new UsageError('detect needs --weights W.pt and --source IMG|DIR');
  await startBackend(f.backend as string);
  const files = sources(f.source as string);
  const { model, names } = loadWeights(new Uint8Array(readFileSync(f.weights as string)), f.weights as string);
  const out: Record<string, number[][]> = {};
  const failed: string[] = [];
  const bar = files.length > 1 && !process.stdout.isTTY ? progressBar('detect', files.length) : null;
  try {
    for (const [i, file] of files.entries()) {
      let img;
      try {
        img = await decodeImage(file);
      } catch (e) {
        // A corrupt image is reported and skipped; the run goes on.
        if (!(e instanceof YoloError)) throw e;
        console.error(`image ${i + 1}/${files.length} ${file}: skipped: ${e.message}`);
        failed.push(file);
        continue;
      }
      const r = await detectImage(model, img, {
        imgsz: f.img as number, confThres: f.confThres as number, iouThres: f.iouThres as number,
        maxDet: f.maxDet as number, agnostic: f.agnosticNms as boolean,
      });
      const dets = r.detections;
      console.log(`image ${i + 1}/${files.length} ${file}: ${r.inputHW[0]}x${r.inputHW[1]} ${counts(dets, names)}${dets.length ? '' : '(no detections), '}${r.ms.inference.toFixed(1)}ms`);
      out[basename(file)] = dets.map((d) => [d.cls, d.conf, ...d.box]);
      bar?.update(i + 1);
    }
  } finally {
    bar?.done();
    model.dispose();
  }
  if (f.json) writeFileSync(f.json as string, `${JSON.stringify(out, null, 1)}\n`);
  if (failed.length) console.error(`${failed.length} image${failed.length > 1 ? 's' : ''} could not be read`);
}
