// ONNX export of a stored checkpoint, in the worker (core's exporter builds a tfjs model, and the backend lives
// here): the checkpoint's bytes come from IndexedDB, the image size defaults to the one the run trained at.
import { checkpointToOnnx } from '../core/io/onnx';
import type { ToWorker, TrainConfig } from '../protocol/messages';
import { getRun, readCheckpoint, type StudioDb } from '../storage';

export type ExportOnnxMessage = Extract<ToWorker, { type: 'exportOnnx' }>;

/** One path segment out of a free-form name ("exp1 · yolov5n · sample" -> "exp1-yolov5n-sample"). */
function safeStem(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return s || 'run';
}

/** `<run>-<entry>.onnx`, e.g. 'exp1-yolov5n-sample-best.onnx', 'exp1-epoch3.onnx' for entry 'epoch-3'. */
export function onnxFileName(runName: string, entryId: string): string {
  const entry = entryId.startsWith('epoch-') ? `epoch${entryId.slice('epoch-'.length)}` : entryId;
  return `${safeStem(runName)}-${entry}.onnx`;
}

/** The run's training image size, when its stored config has one. */
function trainedImgsz(config: unknown): number | undefined {
  const imgsz = (config as Partial<TrainConfig> | undefined)?.options?.imgsz;
  return typeof imgsz === 'number' && Number.isInteger(imgsz) && imgsz > 0 ? imgsz : undefined;
}

/** Exports checkpoint `entryId` of run `runId`; the model is built, written as ONNX and freed inside. */
export async function exportStoredCheckpoint(db: StudioDb, msg: Omit<ExportOnnxMessage, 'type' | 'id'>): Promise<{ fileName: string; bytes: Uint8Array }> {
  const record = await getRun(db, msg.runId);
  const { blob } = await readCheckpoint(db, msg.runId, msg.entryId);
  const ptName = msg.entryId.startsWith('epoch-') ? `epoch${msg.entryId.slice('epoch-'.length)}.pt` : `${msg.entryId}.pt`;
  const out = await checkpointToOnnx(new Uint8Array(await blob.arrayBuffer()), ptName, {
    imgsz: msg.imgsz ?? trainedImgsz(record.config) ?? 640,
    opset: msg.opset,
    dynamic: msg.dynamic ?? false,
  });
  return { fileName: onnxFileName(record.name, msg.entryId), bytes: out.bytes };
}
