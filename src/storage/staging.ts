// Staged imports: for files that arrive before anyone knows which of them are dataset images (a zip, unpacked entry
// by entry while it streams in). Each file is written as soon as it arrives, as a Blob under the pending import's
// own prefix and at its final image key, so memory holds about one entry plus a small write batch, never the whole
// archive. Verification reads the files back one at a time (read()), and the final import references the staged
// Blobs instead of writing them again; the commit deletes the staged files no image uses (labels, corrupt images).
//
// Everything staged is behind the import's pending marker, like the images of a plain import: a failure rolls it
// back in one transaction, a crashed tab leaves it to cleanupPending(), and nothing stored before is touched.
import { req, transact, type StudioDb } from './db';
import { StorageError } from './errors';
import { type ImportWriter, mimeOf, runImport, throwIfAborted } from './importDataset';
import { newId } from './keys';
import { DEFAULT_STALE_MS } from './pending';
import type { DatasetManifest, DatasetMeta, ImportItem, ImportOptions, StagedFile } from './types';

export interface StagingOptions {
  /** A staging write holds at most this many files / bytes (defaults 16 files, 1 MiB). A file over the byte budget
   * is written alone; 0 writes every file in its own transaction. This bounds what staging holds in memory. */
  stageBatchItems?: number;
  stageBatchBytes?: number;
}

const DEFAULT_STAGE_ITEMS = 16;
const DEFAULT_STAGE_BYTES = 2 ** 20;
/** Verification only reads; without Web Locks the marker still needs a fresh heartbeat now and then. */
const BEAT_MS = DEFAULT_STALE_MS / 4;

/** What the staging phase hands on to the final import. */
export interface StagedPlan {
  /** The dataset's images; their `bytes` are usually StagedFiles from this staging. */
  source: AsyncIterable<ImportItem> | Iterable<ImportItem>;
  meta: Omit<DatasetMeta, 'id'>;
}

export class ImportStaging {
  /** Bytes given to put() and not yet durably written: what staging holds in memory, now and at most. */
  held = 0;
  peakHeld = 0;
  private batch: [StagedFile, Blob][] = [];
  private batchBytes = 0;
  private count = 0;
  private written: Promise<void> = Promise.resolve();
  private lastBeat: number;

  constructor(
    private readonly db: StudioDb,
    private readonly writer: ImportWriter,
    private readonly opts: StagingOptions = {},
  ) {
    this.lastBeat = db.now();
  }

  /** Stores one file (copied into a Blob, so the caller's bytes can go). Resolves once the write batch it closed,
   * if any, is durable: awaiting each put() keeps at most one batch in memory. */
  async put(path: string, bytes: Uint8Array): Promise<StagedFile> {
    const type = mimeOf(path);
    const file: StagedFile = { stagedKey: `s${this.count++}`, path, size: bytes.length, type };
    this.batch.push([file, new Blob([bytes as Uint8Array<ArrayBuffer>], { type })]);
    this.batchBytes += bytes.length;
    this.held += bytes.length;
    this.peakHeld = Math.max(this.peakHeld, this.held);
    const maxItems = this.opts.stageBatchItems ?? DEFAULT_STAGE_ITEMS;
    const maxBytes = this.opts.stageBatchBytes ?? DEFAULT_STAGE_BYTES;
    if (this.batch.length >= maxItems || this.batchBytes >= maxBytes) await this.flush();
    return file;
  }

  /** Writes what put() has batched. Writes run one after another, in put() order. */
  flush(): Promise<void> {
    const batch = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    if (batch.length) {
      this.written = this.written.then(async () => {
        await this.writer.stage(batch);
        this.held -= bytes;
        this.lastBeat = this.db.now();
      });
    }
    return this.written;
  }

  /** The bytes of a staged file, read back from storage (a fresh array per call: nothing is cached here). */
  async read(file: StagedFile): Promise<Uint8Array> {
    throwIfAborted(this.writer.opts.signal, this.writer.name);
    if (!this.writer.staged.has(file.stagedKey)) {
      if (!this.batch.some(([f]) => f === file)) await this.written; // maybe in a write under way
      else await this.flush();
    }
    if (this.writer.staged.get(file.stagedKey) !== file) {
      throw new StorageError('bad_item', `${file.path}: not a file staged by import ${this.writer.id}`);
    }
    await this.beat();
    const key = this.writer.stagedImageKey(file);
    const blob = await transact(this.db, 'readonly', (store) => req(store.get(key)));
    if (!(blob instanceof Blob)) {
      throw new StorageError('import_interrupted', `import of "${this.writer.name}": staged file ${file.path} is gone (cleaned up by another tab?); import it again`, key);
    }
    return new Uint8Array(await blob.arrayBuffer());
  }

  private async beat(): Promise<void> {
    const now = this.db.now();
    if (now - this.lastBeat < BEAT_MS) return;
    this.lastBeat = now;
    await this.writer.heartbeat();
  }
}

/**
 * An atomic import whose files are staged first. `plan` unpacks into the staging (put), verifies (read), and returns
 * the images to store and the dataset's meta; then the import runs as importDataset does. Any error, in `plan` or
 * after, removes everything staged and leaves the store as it was. `label` (the dropped file's name) names the
 * pending import until `plan` gives the dataset's name.
 */
export async function importStaged(
  db: StudioDb,
  label: string,
  plan: (staging: ImportStaging) => Promise<StagedPlan>,
  opts: ImportOptions & StagingOptions = {},
): Promise<DatasetManifest> {
  const id = newId(db.now());
  const name = label.trim().slice(0, 200) || `import ${id}`;
  return runImport(db, id, name, opts, async (writer) => {
    const staging = new ImportStaging(db, writer, opts);
    const { source, meta } = await plan(staging);
    await staging.flush();
    writer.rename(meta.name);
    return writer.run(source, meta);
  });
}
