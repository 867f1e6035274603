// "Validate": any stored checkpoint on any stored dataset's val split, as upstream val.py (core/val: rect batches,
// conf 0.001, IoU 0.6, max_det 300, batch 32), at the run's training size unless another is asked for. The class
// counts must agree, as val.py asserts; a --single-cls run is validated single-class on its many-class dataset.
import type { ValItem } from '../core/data';
import { runVal, type ValProgress } from '../core/val';
import type { CheckpointValidation } from '../protocol/checkpointTools';
import type { ClassMetrics, ToWorker } from '../protocol/messages';
import { getManifest, imageLabels, readImage, type DatasetManifest, type StudioDb } from '../storage';
import { CheckpointToolError, inferenceSize, type CheckpointModelCache, type LoadedCheckpoint } from './checkpointModels';
import type { BlobDecoder } from './tryIt';
import { toValAnalytics } from './valAnalytics';

export type ValidateMessage = Extract<ToWorker, { type: 'validateCheckpoint' }>;

/** val.py's --batch-size default. */
const VAL_BATCH = 32;

/** "3 classes (circle, square, triangle)", the names cut after 8. */
function classList(names: readonly string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return `${names.length} class${names.length === 1 ? '' : 'es'} (${shown}${names.length > 8 ? `, … ${names.length - 8} more` : ''})`;
}

/** The names the rows carry, or the error val.py's assert would raise, said with both sides' classes. */
function rowNames(ckpt: LoadedCheckpoint, manifest: DatasetManifest, warnings: string[]): { names: string[]; singleCls: boolean } {
  const { ref, names: own } = ckpt;
  if (ckpt.singleCls && ref.nc === 1) {
    if (manifest.names.length > 1) warnings.push(`the run trained single-class: every label of "${manifest.name}" counts as class 'item'`);
    return { names: ['item'], singleCls: true };
  }
  if (manifest.names.length !== ref.nc) {
    throw new CheckpointToolError(
      'class_mismatch',
      `${ref.fileName} of run "${ref.runName}" detects ${classList(own)} but dataset "${manifest.name}" has ` +
        `${classList(manifest.names)}: validate it on a dataset with the classes it was trained on`,
    );
  }
  if (own.some((n, i) => n !== manifest.names[i])) {
    warnings.push(`${ref.fileName} names its classes ${own.slice(0, 8).join(', ')}; the rows use dataset "${manifest.name}"'s names`);
  }
  return { names: [...manifest.names], singleCls: false };
}

/** Upstream prints no class rows when nothing matched; the panel lists the labelled classes at zero instead. */
function zeroRows(nt: Int32Array, names: readonly string[], images: number): ClassMetrics[] {
  const rows: ClassMetrics[] = [];
  nt.forEach((n, c) => {
    if (n > 0) rows.push({ name: names[c] ?? String(c), images, instances: n, P: 0, R: 0, mAP50: 0, mAP50_95: 0 });
  });
  return rows;
}

export async function validateStoredCheckpoint(
  db: StudioDb,
  models: CheckpointModelCache,
  msg: Omit<ValidateMessage, 'type' | 'id'>,
  decode: BlobDecoder,
  onProgress?: (p: ValProgress) => void,
): Promise<CheckpointValidation> {
  const manifest = await getManifest(db, msg.datasetId);
  const refs = manifest.splits.val;
  if (!refs.length) throw new CheckpointToolError('no_val_images', `dataset "${manifest.name}" has no val images to validate on`);
  const batchSize = msg.batchSize ?? VAL_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new CheckpointToolError('bad_batch_size', `validation batch size ${batchSize} is not a whole number >= 1`);
  }
  const lease = await models.acquire(msg.runId, msg.entryId);
  try {
    const { ckpt } = lease;
    const warnings: string[] = [];
    const { names, singleCls } = rowNames(ckpt, manifest, warnings);
    const imgsz = inferenceSize(ckpt, msg.imgsz);
    // Reports name an image by its path in the dropped folder, not by its storage key.
    const pathOf = new Map(refs.map((r) => [r.key, r.path]));
    const items: ValItem[] = refs.map((r) => ({ file: r.key, shapeWH: [r.width, r.height], labels: imageLabels(r) }));
    const read = async (key: string) => decode(await readImage(db, manifest.id, key), pathOf.get(key) ?? key);
    const r = await runVal(ckpt.model, items, read, names, { imgsz, batchSize, singleCls }, onProgress);
    const zero = r.perClass.length ? [] : zeroRows(r.summary.nt, names, r.images);
    return {
      checkpoint: ckpt.ref,
      dataset: { id: manifest.id, name: manifest.name },
      imgsz,
      batchSize,
      names,
      perClass: zero.length ? zero : r.perClass,
      perClassZero: zero.length > 0,
      analytics: toValAnalytics(r, names, manifest.id),
      speedMs: r.speedMs,
      warnings,
    };
  } finally {
    lease.release();
  }
}
