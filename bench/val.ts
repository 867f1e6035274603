// Validation speed: yolov5n.pt on coco128 at 640 through our val run (decode, letterbox, forward, NMS), beside
// upstream val.py's speed line (../shared/reference/pretrained_val.json).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runVal } from '../src/core/val';
import { loadWeights } from '../src/core/weights';
import { loadSplit } from '../src/cli/dataset';
import { decodeImage } from '../src/cli/image';

export interface ValBench { img: number; images: number; seconds: number; imagesPerS: number; msPerImage: { preprocess: number; inference: number; nms: number }; mAP50_95: number }

export async function benchVal(shared: string, img = 640): Promise<ValBench> {
  const { model, names } = loadWeights(new Uint8Array(readFileSync(resolve(shared, 'weights/yolov5n.pt'))), 'yolov5n.pt');
  const split = await loadSplit(resolve(shared, 'datasets/coco128/data.yaml'), 'val');
  const t0 = performance.now();
  const r = await runVal(model, split.items, (f) => decodeImage(f), names, { imgsz: img, batchSize: 32 });
  const seconds = (performance.now() - t0) / 1000;
  model.dispose();
  return { img, images: r.images, seconds, imagesPerS: r.images / seconds, msPerImage: r.speedMs, mAP50_95: r.mAP50_95 };
}
