// What is stored. Plain data only (structured-clone and JSON compatible apart from the image/checkpoint Blobs, which
// live under their own keys), so a manifest can be posted to the UI, exported as JSON, and read back by any tab.
import type { SplitName } from '../core/data/dataYaml';

export type { SplitName };

/** Manifest layout version; a reader meeting another number refuses it (StorageError 'schema_unsupported'). */
export const MANIFEST_SCHEMA = 1;

/** One stored image: where its bytes are, where it came from, its size and its verified labels. */
export interface ImageRef {
  /** Local key of the image Blob inside the dataset: readImage(datasetId, key). */
  key: string;
  /** Path inside the dropped folder / zip, for reports and the image grid. */
  path: string;
  /** Size in pixels after EXIF orientation, as the loader will see it. */
  width: number;
  height: number;
  /** Flattened (n, 5) rows [cls, cx, cy, w, h], normalized, float32 values (see imageLabels()). A plain number[]
   * keeps the manifest JSON; values are rounded to float32 on import, so Float32Array.from() is exact. */
  labels: number[];
  /** Byte length and MIME type of the stored original file. */
  size: number;
  type: string;
}

export interface DatasetSplits {
  train: ImageRef[];
  val: ImageRef[];
  test?: ImageRef[];
}

export interface DatasetManifest {
  schema: typeof MANIFEST_SCHEMA;
  id: string;
  name: string;
  names: string[];
  /** Milliseconds since the epoch, when the import committed. */
  createdAt: number;
  splits: DatasetSplits;
  /** The verification report (core/data), stored as given. */
  report: unknown;
  /** Label statistics (core/data), stored as given. */
  stats: unknown;
}

/** The list entry of a dataset: enough for the datasets panel without reading any manifest. */
export interface DatasetSummary {
  id: string;
  name: string;
  createdAt: number;
  nc: number;
  images: { train: number; val: number; test: number };
  /** Total bytes of the stored image files. */
  bytes: number;
}

/** One image handed to importDataset, already verified (dropped images are simply not yielded). */
export interface ImportItem {
  split: SplitName;
  path: string;
  /** The original file: a File/Blob is stored as is (never read into memory here); bytes are wrapped in a Blob; a
   * StagedFile (importStaged) is already stored and is only referenced. */
  bytes: Uint8Array | Blob | StagedFile;
  width: number;
  height: number;
  /** (n, 5) rows [cls, cx, cy, w, h], flattened. */
  labels: Float32Array | readonly number[];
  /** MIME type; guessed from the extension when missing. */
  type?: string;
}

/**
 * A file written into a pending import before it is known whether it is a dataset image (see importStaged). It is
 * stored at its final place already: an ImportItem naming it references it without writing it again.
 */
export interface StagedFile {
  /** Local image key within the import (ImageRef.key once referenced). */
  readonly stagedKey: string;
  /** Path inside the dropped zip / folder. */
  readonly path: string;
  readonly size: number;
  /** MIME type it was stored with (from the extension). */
  readonly type: string;
}

/** What only the end of a streaming verification knows (the report and stats cover every image). */
export interface DatasetCompletion {
  names?: string[];
  report?: unknown;
  stats?: unknown;
}

export interface DatasetMeta extends DatasetCompletion {
  /** Defaults to a fresh id. */
  id?: string;
  name: string;
  names?: string[];
  /** Called once the source is exhausted, before the commit; its fields override the ones above. */
  complete?: () => DatasetCompletion | Promise<DatasetCompletion>;
}

export interface ImportProgress {
  phase: 'writing' | 'committing' | 'done';
  /** Images written so far (durably: their transaction has committed). */
  images: number;
  bytes: number;
  /** Echo of ImportOptions.total, for a progress bar. */
  total?: number;
}

export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Expected number of images, when the caller knows it. */
  total?: number;
  /** A write transaction holds at most this many images / bytes, which bounds what is held in memory (defaults
   * 32 images, 16 MiB). */
  batchItems?: number;
  batchBytes?: number;
}

/** Float32 labels of one image, (n, 5) flattened. */
export function imageLabels(ref: ImageRef): Float32Array {
  return Float32Array.from(ref.labels);
}
