// Streaming, atomic dataset import. Images are pulled from the source one at a time and written in small
// transactions (at most `batchItems` images / `batchBytes` bytes each), so a dataset of thousands of images is never
// held in memory; only the manifest (paths, sizes, labels) grows with it.
//
// Atomicity: the images go under the new dataset's own prefix, which nothing lists, behind a pending marker. The
// dataset becomes visible in one final transaction that writes the manifest, adds the list entry and deletes the
// marker. Any failure before that (source error, abort, quota, bad item) deletes the prefix and the marker in one
// transaction, so what was stored before is left exactly as it was; a crash is cleaned by cleanupPending().
//
// Staged files (staging.ts) are already stored under the same prefix, at their final image keys: an item that
// names one is referenced, not written again, and the commit deletes the staged files no item referenced.
import { checkName } from './datasets';
import { req, transact, type StudioDb } from './db';
import { isQuotaError, StorageError, StorageQuotaError } from './errors';
import { checkId, DATASETS_INDEX, datasetPrefix, imageKey, manifestKey, newId, pendingDatasetKey, prefixRange } from './keys';
import { withLock, type PendingMarker } from './pending';
import { storageEstimate } from './estimate';
import {
  MANIFEST_SCHEMA,
  type DatasetManifest,
  type DatasetMeta,
  type DatasetSplits,
  type DatasetSummary,
  type ImageRef,
  type ImportItem,
  type ImportOptions,
  type SplitName,
  type StagedFile,
} from './types';

const DEFAULT_BATCH_ITEMS = 32;
const DEFAULT_BATCH_BYTES = 16 * 1024 * 1024;

/**
 * Stores a verified dataset and returns its manifest once it is listed. Throws StorageQuotaError when the browser is
 * out of space, StorageError 'import_aborted' when `signal` aborts, and the source's own error when the source
 * throws; in every case nothing of this import is left behind.
 */
export async function importDataset(
  db: StudioDb,
  source: AsyncIterable<ImportItem> | Iterable<ImportItem>,
  meta: DatasetMeta,
  opts: ImportOptions = {},
): Promise<DatasetManifest> {
  const id = meta.id ?? newId(db.now());
  checkId(id, 'dataset');
  const name = checkName(meta.name, `dataset ${id}`);
  return runImport(db, id, name, opts, (writer) => writer.run(source, meta));
}

/**
 * The frame every import runs in (importDataset, importStaged): claim the id behind a pending marker while holding
 * its lock, run `body`, and on any failure roll everything back and translate the error.
 */
export async function runImport(
  db: StudioDb,
  id: string,
  name: string,
  opts: ImportOptions,
  body: (writer: ImportWriter) => Promise<DatasetManifest>,
): Promise<DatasetManifest> {
  throwIfAborted(opts.signal, name);
  const writer = new ImportWriter(db, id, name, opts);
  const manifest = await withLock(db, pendingDatasetKey(id), async () => {
    await writer.begin();
    try {
      return await body(writer);
    } catch (err) {
      // If the roll-back itself fails (database closed), the marker stays and cleanupPending() finishes the job.
      await writer.rollback().catch(() => undefined);
      throw await translate(err, writer.name, writer, opts.signal);
    }
  });
  opts.onProgress?.({ phase: 'done', images: writer.images, bytes: writer.bytes, total: opts.total });
  return manifest;
}

export class ImportWriter {
  images = 0;
  bytes = 0;
  /** Files written by stage() (local key -> file), and how many bytes they hold. */
  readonly staged = new Map<string, StagedFile>();
  stagedBytes = 0;
  private readonly referenced = new Set<string>();
  private marker: PendingMarker;
  private readonly markerKey: string;

  constructor(
    private readonly db: StudioDb,
    readonly id: string,
    public name: string,
    readonly opts: ImportOptions,
  ) {
    const now = db.now();
    this.marker = { kind: 'dataset', id, name, startedAt: now, heartbeatAt: now };
    this.markerKey = pendingDatasetKey(id);
  }

  /** The dataset's name, once known (a staged import starts under its file's name). Later heartbeats carry it. */
  rename(name: string): void {
    this.name = checkName(name, `dataset ${this.id}`);
    this.marker = { ...this.marker, name: this.name };
  }

  /** Writes staged files at their image keys, in one transaction with a heartbeat (see flush). */
  async stage(batch: readonly (readonly [StagedFile, Blob])[]): Promise<void> {
    if (!batch.length) return;
    throwIfAborted(this.opts.signal, this.name);
    await this.write(batch.map(([f, blob]) => [imageKey(this.id, f.stagedKey), blob] as const));
    for (const [f] of batch) {
      this.staged.set(f.stagedKey, f);
      this.stagedBytes += f.size;
    }
  }

  /** A heartbeat alone: a long phase without writes (verification of staged files) keeps the marker fresh. */
  async heartbeat(): Promise<void> {
    await this.write([]);
  }

  /** The stored key of a staged file, for reading it back. */
  stagedImageKey(f: StagedFile): string {
    return imageKey(this.id, f.stagedKey);
  }

  /** Claims the id: fails if a dataset or another import already uses it, else writes the pending marker. */
  async begin(): Promise<void> {
    await transact(this.db, 'readwrite', async (store) => {
      const index = ((await req(store.get(DATASETS_INDEX))) as DatasetSummary[] | undefined) ?? [];
      const taken =
        index.some((d) => d.id === this.id) ||
        (await req(store.count(this.markerKey))) > 0 ||
        (await req(store.count(prefixRange(datasetPrefix(this.id))))) > 0;
      if (taken) throw new StorageError('id_taken', `dataset id ${this.id} is already in use`, manifestKey(this.id));
      store.put(this.marker, this.markerKey);
    });
  }

  async run(source: AsyncIterable<ImportItem> | Iterable<ImportItem>, meta: DatasetMeta): Promise<DatasetManifest> {
    const { signal } = this.opts;
    const maxItems = this.opts.batchItems ?? DEFAULT_BATCH_ITEMS;
    const maxBytes = this.opts.batchBytes ?? DEFAULT_BATCH_BYTES;
    const splits: Required<DatasetSplits> = { train: [], val: [], test: [] };
    let batch: [string, Blob | null][] = [];
    let batchBytes = 0;
    let n = 0;
    const it = iteratorOf(source);
    let finished = false;
    try {
      for (;;) {
        const next = await raceAbort(it.next(), signal);
        throwIfAborted(signal, this.name);
        if (next.done) break;
        const { ref, blob } = toRef(next.value, String(n), n, this.staged);
        n += 1;
        splits[next.value.split].push(ref);
        // A staged file may be referenced twice (train and val lists naming the same image): stored, counted once.
        const again = !blob && this.referenced.has(ref.key);
        if (!blob) this.referenced.add(ref.key);
        batch.push([imageKey(this.id, ref.key), blob]); // null: staged, already stored at that key
        batchBytes += again ? 0 : ref.size;
        if (batch.length >= maxItems || batchBytes >= maxBytes) {
          await this.flush(batch, batchBytes);
          batch = [];
          batchBytes = 0;
        }
      }
      finished = true;
    } finally {
      // Let the source release what it holds (a zip reader, file handles); not awaited, it may be stuck mid-read.
      if (!finished) Promise.resolve(it.return?.()).catch(() => undefined);
    }
    await this.flush(batch, batchBytes);
    if (n === 0) throw new StorageError('empty_dataset', `dataset "${this.name}" has no images to store`);

    const done = (await meta.complete?.()) ?? {};
    const names = done.names ?? meta.names;
    if (!Array.isArray(names) || names.some((x) => typeof x !== 'string')) {
      throw new StorageError('bad_item', `dataset "${this.name}": names must be a list of strings`);
    }
    const manifest: DatasetManifest = {
      schema: MANIFEST_SCHEMA,
      id: this.id,
      name: this.name,
      names: [...names],
      createdAt: this.db.now(),
      splits: splits.test.length ? splits : { train: splits.train, val: splits.val },
      report: done.report ?? meta.report ?? null,
      stats: done.stats ?? meta.stats ?? null,
    };
    this.opts.onProgress?.({ phase: 'committing', images: this.images, bytes: this.bytes, total: this.opts.total });
    throwIfAborted(signal, this.name);
    await this.commit(manifest);
    return manifest;
  }

  /**
   * One transaction: this batch's images plus a heartbeat on the marker. It checks the marker first: if another
   * tab's cleanupPending() removed it, writing on (and re-creating the marker) would leave orphans behind.
   */
  private async flush(batch: [string, Blob | null][], batchBytes: number): Promise<void> {
    if (!batch.length) return;
    throwIfAborted(this.opts.signal, this.name);
    await this.write(batch);
    this.images += batch.length;
    this.bytes += batchBytes;
    this.opts.onProgress?.({ phase: 'writing', images: this.images, bytes: this.bytes, total: this.opts.total });
  }

  private async write(entries: readonly (readonly [string, Blob | null])[]): Promise<void> {
    const marker: PendingMarker = { ...this.marker, heartbeatAt: this.db.now() };
    await transact(this.db, 'readwrite', async (store) => {
      await this.assertStillPending(store);
      for (const [key, blob] of entries) if (blob) store.put(blob, key);
      store.put(marker, this.markerKey);
    });
  }

  /** The flip: manifest + list entry + marker removal + staged files no image uses, all or nothing. */
  private async commit(manifest: DatasetManifest): Promise<void> {
    const s = manifest.splits;
    const summary: DatasetSummary = {
      id: this.id,
      name: this.name,
      createdAt: manifest.createdAt,
      nc: manifest.names.length,
      images: { train: s.train.length, val: s.val.length, test: s.test?.length ?? 0 },
      bytes: this.bytes,
    };
    await transact(this.db, 'readwrite', async (store) => {
      await this.assertStillPending(store);
      const index = ((await req(store.get(DATASETS_INDEX))) as DatasetSummary[] | undefined) ?? [];
      store.put(manifest, manifestKey(this.id));
      store.put([...index, summary], DATASETS_INDEX);
      store.delete(this.markerKey);
      for (const key of this.staged.keys()) if (!this.referenced.has(key)) store.delete(imageKey(this.id, key));
    });
  }

  private async assertStillPending(store: IDBObjectStore): Promise<void> {
    if ((await req(store.count(this.markerKey))) > 0) return;
    throw new StorageError(
      'import_interrupted',
      `import of dataset "${this.name}" was cleaned up as abandoned (by another tab's cleanupPending) before it could finish; import it again`,
      this.markerKey,
    );
  }

  /** Removes everything this import wrote, unless it committed (then its keys belong to a listed dataset). */
  async rollback(): Promise<void> {
    await transact(this.db, 'readwrite', async (store) => {
      if ((await req(store.count(manifestKey(this.id)))) > 0) return;
      store.delete(prefixRange(datasetPrefix(this.id)));
      store.delete(this.markerKey);
    });
  }
}

const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

/** Checks one source item and turns it into its manifest entry and the Blob to store (null: staged, stored). */
function toRef(item: ImportItem, key: string, index: number, staged: ReadonlyMap<string, StagedFile>): { ref: ImageRef; blob: Blob | null } {
  const path = typeof item?.path === 'string' ? item.path : '';
  const bad = (why: string): StorageError =>
    new StorageError('bad_item', `import item ${index}${path ? ` (${path})` : ''}: ${why}`);
  if (!path) throw bad('path must be a non-empty string');
  if (!SPLITS.includes(item.split)) throw bad(`split ${JSON.stringify(item.split)} is not train, val or test`);
  for (const dim of ['width', 'height'] as const) {
    if (!Number.isInteger(item[dim]) || item[dim] <= 0) throw bad(`${dim} ${item[dim]} is not a positive integer`);
  }
  const labels = Array.from(item.labels ?? [], Math.fround); // float32 values: Float32Array.from() reads them exactly
  if (labels.length % 5 !== 0) throw bad(`labels hold ${labels.length} numbers, not rows of 5`);
  if (labels.some((v) => !Number.isFinite(v))) throw bad('labels contain a non-finite number');
  if (isStaged(item.bytes)) {
    const f = item.bytes;
    if (staged.get(f.stagedKey) !== f) throw bad(`staged file ${JSON.stringify(f.stagedKey)} was not staged by this import`);
    if (item.type && item.type !== f.type) throw bad(`type ${item.type} differs from the staged file's ${f.type}`);
    return { ref: { key: f.stagedKey, path, width: item.width, height: item.height, labels, size: f.size, type: f.type }, blob: null };
  }
  const type = item.type || (item.bytes instanceof Blob && item.bytes.type) || mimeOf(path);
  let blob: Blob;
  if (item.bytes instanceof Blob) blob = item.bytes.type === type ? item.bytes : item.bytes.slice(0, item.bytes.size, type);
  else if (item.bytes instanceof Uint8Array) blob = new Blob([item.bytes as Uint8Array<ArrayBuffer>], { type });
  else throw bad('bytes must be a Uint8Array or a Blob');
  const ref: ImageRef = { key, path, width: item.width, height: item.height, labels, size: blob.size, type };
  return { ref, blob };
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  mpo: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  webp: 'image/webp',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

export function mimeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME[ext] ?? 'application/octet-stream';
}

function isStaged(b: ImportItem['bytes']): b is StagedFile {
  return !(b instanceof Blob) && !(b instanceof Uint8Array) && typeof (b as StagedFile | null)?.stagedKey === 'string';
}

function iteratorOf<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
}

/** Resolves with `p`, or as soon as `signal` aborts (the caller then checks the signal), so a source stuck waiting
 * (a slow file read) does not delay the cancel. */
function raceAbort<T>(p: Promise<T> | T, signal: AbortSignal | undefined): Promise<T | IteratorReturnResult<undefined>> {
  if (!signal) return Promise.resolve(p);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve({ done: true, value: undefined });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(p).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export function throwIfAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new StorageError('import_aborted', `import of dataset "${name}" was cancelled; nothing was stored`);
}

/** Maps what went wrong to the error the caller sees (after the roll-back). */
async function translate(err: unknown, name: string, w: ImportWriter, signal: AbortSignal | undefined): Promise<unknown> {
  if (isQuotaError(err)) {
    const est = await storageEstimate().catch(() => undefined);
    const mb = (b: number | undefined): string => (b === undefined ? '?' : `${(b / 1048576).toFixed(1)} MB`);
    const usage = est ? ` (this site uses ${mb(est.usage)} of ${mb(est.quota)})` : '';
    const after = w.images || !w.staged.size ? `${w.images} images (${mb(w.bytes)})` : `unpacking ${w.staged.size} files (${mb(w.stagedBytes)})`;
    return new StorageQuotaError(
      `browser storage is full: dataset "${name}" did not fit after ${after}; nothing of it was kept${usage}. ` +
        'Delete datasets or runs to free space, then import again.',
      est ?? {},
    );
  }
  if (signal?.aborted && !(err instanceof StorageError && err.code === 'import_aborted')) {
    return new StorageError('import_aborted', `import of dataset "${name}" was cancelled; nothing was stored`);
  }
  return err;
}
