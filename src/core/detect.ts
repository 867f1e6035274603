// Detection on single images as upstream detect.py: letterbox with auto (minimum stride padding), eval forward,
// NMS (conf 0.25, IoU 0.45, max_det 1000), boxes rescaled to the original image and clipped.
import { letterbox, scaleBoxes, type RgbImage } from './data';
import { predictDecoded } from './predict';
import { nonMaxSuppression } from './metrics';
import type { YoloModel } from './model';

export interface DetectOptions {
  imgsz?: number;
  confThres?: number;
  iouThres?: number;
  maxDet?: number;
  classes?: number[] | null;
  agnostic?: boolean;
}

export interface Detection { cls: number; conf: number; box: [number, number, number, number] }

export interface DetectResult {
  detections: Detection[];
  /** The letterboxed input's (height, width). */
  inputHW: [number, number];
  ms: { preprocess: number; inference: number; nms: number };
}

export async function detectImage(model: YoloModel, img: RgbImage, opts: DetectOptions = {}): Promise<DetectResult> {
  const { imgsz = 640, confThres = 0.25, iouThres = 0.45, maxDet = 1000, classes = null, agnostic = false } = opts;
  let t = performance.now();
  const lb = letterbox(img, imgsz, { auto: true, stride: model.maxStride });
  const letterboxMs = performance.now() - t;
  const { data: pred, shape, ms } = await predictDecoded(model, [lb.image]);
  t = performance.now();
  const det = nonMaxSuppression(pred, shape, { confThres, iouThres, maxDet, classes, agnostic })[0];
  const inputHW: [number, number] = [lb.image.height, lb.image.width];
  scaleBoxes(inputHW, { data: det, stride: 6 }, [img.height, img.width]);
  const detections: Detection[] = [];
  for (let i = 0; i < det.length / 6; i++) {
    detections.push({ cls: det[i * 6 + 5], conf: det[i * 6 + 4], box: [det[i * 6], det[i * 6 + 1], det[i * 6 + 2], det[i * 6 + 3]] });
  }
  return { detections, inputHW, ms: { preprocess: letterboxMs + ms.preprocess, inference: ms.inference, nms: performance.now() - t } };
}
