// "Try it": a stored checkpoint on one image, as upstream detect.py runs it (core/detect: letterbox to the run's
// training size with minimum stride padding, eval forward, NMS, boxes back to original pixels), but with the
// confidence floor of TRY_IT_CONF_FLOOR so the UI's confidence slider filters without asking again. A new IoU
// threshold is a new request: NMS depends on it, and detect's forward is cheap next to a person moving a slider.
import type { RgbImage } from '../core/data';
import { detectImage } from '../core/detect';
import { DETECT_MAX_DET, TRY_IT_CONF_FLOOR, type TryItImage, type TryItResult } from '../protocol/checkpointTools';
import type { ToWorker } from '../protocol/messages';
import { readImage, type StudioDb } from '../storage';
import { inferenceSize, type CheckpointModelCache } from './checkpointModels';

export type TryItMessage = Extract<ToWorker, { type: 'tryIt' }>;

/** Image bytes -> RGB pixels; `file` names the image in errors (decodeBlob in the worker, sharp in Node tests). */
export type BlobDecoder = (blob: Blob, file: string) => Promise<RgbImage>;

async function imageBlob(db: StudioDb, image: TryItImage): Promise<{ blob: Blob; file: string }> {
  if (image.kind === 'file') return { blob: image.file, file: image.name };
  return { blob: await readImage(db, image.datasetId, image.key), file: image.path };
}

export async function runTryIt(
  db: StudioDb,
  models: CheckpointModelCache,
  msg: Omit<TryItMessage, 'type' | 'id'>,
  decode: BlobDecoder,
): Promise<TryItResult> {
  const { blob, file } = await imageBlob(db, msg.image);
  const img = await decode(blob, file);
  const lease = await models.acquire(msg.runId, msg.entryId);
  try {
    const { model, names, ref } = lease.ckpt;
    const imgsz = inferenceSize(lease.ckpt, msg.imgsz);
    const r = await detectImage(model, img, { imgsz, confThres: TRY_IT_CONF_FLOOR, iouThres: msg.iouThres, maxDet: DETECT_MAX_DET });
    // (k, 6) [x1, y1, x2, y2, conf, cls]: one transferable buffer instead of k objects.
    const dets = new Float32Array(r.detections.length * 6);
    r.detections.forEach((d, i) => dets.set([...d.box, d.conf, d.cls], i * 6));
    return { checkpoint: ref, names, width: img.width, height: img.height, imgsz, inputHW: r.inputHW, dets, iouThres: msg.iouThres, ms: r.ms };
  } finally {
    lease.release();
  }
}
