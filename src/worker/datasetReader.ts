// A stored dataset as the training loop's TrainData: the manifest's image refs become ValItems (key, post-EXIF size,
// labels) and `decode` reads each image's Blob from IndexedDB when the loader asks for it, so no dataset is ever held
// in memory as a whole.
import type { ValItem } from '../core/data';
import type { TrainData } from '../core/train/types';
import { getManifest, imageLabels, readImage, type DatasetManifest, type ImageRef, type StudioDb } from '../storage';
import { decodeBlob } from './decode';

export class DatasetReadError extends Error {
  override name = 'DatasetReadError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function toItem(ref: ImageRef): ValItem {
  return { file: ref.key, shapeWH: [ref.width, ref.height], labels: imageLabels(ref) };
}

export async function readTrainData(db: StudioDb, datasetId: string): Promise<{ data: TrainData; manifest: DatasetManifest }> {
  const manifest = await getManifest(db, datasetId);
  const { train, val } = manifest.splits;
  if (!train.length) throw new DatasetReadError('no_train_images', `dataset "${manifest.name}" has no train images`);
  if (!val.length) throw new DatasetReadError('no_val_images', `dataset "${manifest.name}" has no val images to measure mAP on`);
  // Reports name the image by its path in the dropped folder, not by its storage key.
  const pathOf = new Map<string, string>();
  for (const ref of [...train, ...val]) pathOf.set(ref.key, ref.path);
  const data: TrainData = {
    names: manifest.names,
    train: train.map(toItem),
    val: val.map(toItem),
    decode: async (key) => decodeBlob(await readImage(db, datasetId, key), pathOf.get(key) ?? key),
  };
  return { data, manifest };
}
