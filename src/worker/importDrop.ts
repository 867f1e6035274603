// A dropped dataset (a folder, loose files or one .zip) into storage: core/data finds the layout (YOLO, COCO, VOC,
// Darknet, plain folder), verifies every image and label (a corrupt file is reported by name and left out), splits
// off val when there is none, computes label statistics; storage then writes it atomically.
//
// A zip is never held in memory: its entries are staged into IndexedDB as they are inflated (storage/staging), the
// verification reads them back one by one, and the stored dataset references the staged Blobs. Only the small text
// files (yaml, lists, labels, json, xml) are kept in memory, as the format readers need them as text anyway.
import { isJunkPath, isTextPath, memorySource, rootedPath } from '../core/data/formats';
import type { DatasetSource, InputFile } from '../core/data/formats/types';
import { prepareDataset, type PreparedDataset } from '../core/data/formats/prepare';
import { normalizePath } from '../core/data/paths';
import type { LabelStats } from '../core/data/stats';
import type { VerifyOptions } from '../core/data/verify';
import { unzipStream, type ZipLimits } from '../core/data/zip';
import type { DroppedFile, ImportPhase, ImportSummary } from '../protocol/messages';
import {
  importDataset,
  importStaged,
  type DatasetManifest,
  type DatasetMeta,
  type ImportItem,
  type StagedFile,
  type StagingOptions,
  type StudioDb,
} from '../storage';
import { decodeCheck, readImageInfo } from './imageInfo';

export class DropImportError extends Error {
  override name = 'DropImportError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `unit` 'bytes' while a zip is read (done / total are bytes of the zip); files or images otherwise. */
type OnProgress = (phase: ImportPhase, done: number, total: number, unit?: 'bytes' | 'files') => void;

/** What the worker leaves at its defaults; Node tests replace the browser's image decoding. */
export interface DropImportOptions {
  readInfo?: VerifyOptions['readInfo'];
  decodeCheck?: VerifyOptions['decodeCheck'];
  zipLimits?: Partial<ZipLimits>;
  staging?: StagingOptions;
}

const stem = (name: string) => name.replace(/\.[^.]*$/, '');
const isZip = (name: string) => /\.zip$/i.test(name);
/** 'reading' progress of a zip is reported at most once per this many bytes read. */
const READ_REPORT_BYTES = 2 ** 20;

/** LabelStats without its typed arrays and raw boxes, so the manifest stays plain JSON. */
function plainStats(s: LabelStats) {
  return {
    images: s.images, backgrounds: s.backgrounds, instances: s.instances, perClass: s.perClass, bins: s.bins,
    hist: { x: Array.from(s.hist.x), y: Array.from(s.hist.y), w: Array.from(s.hist.w), h: Array.from(s.hist.h) },
    xy: Array.from(s.xy), wh: Array.from(s.wh),
  };
}

export function summarize(p: PreparedDataset, manifest: DatasetManifest): ImportSummary {
  return {
    datasetId: manifest.id,
    name: manifest.name,
    format: p.format,
    images: { train: manifest.splits.train.length, val: manifest.splits.val.length, test: manifest.splits.test?.length ?? 0 },
    autoSplit: p.autoSplit !== undefined,
    problems: p.report.problems.map((q) => ({ file: q.file, line: q.line, split: q.split, code: q.code, message: q.message, action: q.action })),
    notes: p.notes,
  };
}

export async function importDropped(
  db: StudioDb,
  files: DroppedFile[],
  onProgress: OnProgress,
  signal: AbortSignal,
  opts: DropImportOptions = {},
): Promise<ImportSummary> {
  if (!files.length) throw new DropImportError('nothing_dropped', 'no files were dropped');
  if (files.length === 1 && isZip(files[0].file.name)) return importZip(db, files[0].file, onProgress, signal, opts);
  const zips = files.filter((f) => isZip(f.path));
  if (zips.length) throw new DropImportError('zip_with_files', `drop a zip on its own: ${zips[0].path} came with ${files.length - 1} other file(s)`);
  onProgress('reading', 0, files.length, 'files');
  // A dropped folder: every path starts with its name, which names the dataset.
  const top = new Set(files.map((f) => f.path.replace(/^\/+/, '').split('/')[0]));
  const name = top.size === 1 && files.every((f) => f.path.replace(/^\/+/, '').includes('/')) ? [...top][0] : undefined;
  const source = await memorySource(files.map((f) => ({ path: f.path, bytes: async () => new Uint8Array(await f.file.arrayBuffer()) })));
  const prepared = await verify(source, name, onProgress, opts);
  const { items, meta, total } = storagePlan(prepared, (path) => source.bytes(path));
  const manifest = await importDataset(db, items, meta, { total, signal, onProgress: (p) => onProgress('writing', p.images, total) });
  return summarize(prepared, manifest);
}

/** The zip streams into staging (one entry in memory at a time), is verified from there, and is stored by reference. */
async function importZip(db: StudioDb, zip: Blob & { name: string }, onProgress: OnProgress, signal: AbortSignal, opts: DropImportOptions): Promise<ImportSummary> {
  onProgress('reading', 0, zip.size, 'bytes');
  let prepared: PreparedDataset | undefined;
  let total = 0;
  const manifest = await importStaged(
    db,
    zip.name,
    async (staging) => {
      const texts = new Map<string, Uint8Array>();
      const staged = new Map<string, StagedFile>(); // rooted path -> staged file
      const inputs: InputFile[] = [];
      await unzipStream(
        zipChunks(zip, signal, (n) => onProgress('reading', n, zip.size, 'bytes')),
        async (path, bytes) => {
          const p = rootedPath(path);
          if (isJunkPath(p)) return;
          if (isTextPath(p)) {
            texts.set(p, bytes);
            inputs.push({ path, bytes: async () => texts.get(p) ?? gone(p) });
            return;
          }
          const file = await staging.put(path, bytes);
          staged.set(p, file);
          inputs.push({ path, bytes: () => staging.read(file) });
        },
        opts.zipLimits,
        zip.name,
      );
      await staging.flush();
      const source = await memorySource(inputs);
      texts.clear(); // memorySource holds them as strings now; only images are read later
      prepared = await verify(source, stem(zip.name), onProgress, opts);
      const plan = storagePlan(prepared, async (path) => staged.get(normalizePath(path)) ?? gone(path));
      total = plan.total;
      return { source: plan.items, meta: plan.meta };
    },
    { signal, ...opts.staging, onProgress: (p) => onProgress('writing', p.images, total) },
  );
  return summarize(prepared!, manifest);
}

function gone(path: string): never {
  throw new DropImportError('file_missing', `${path}: no such file in the zip`);
}

/** The zip's bytes as they are read, stopping at once on cancel; the read is cancelled if unzipping stops early. */
async function* zipChunks(zip: Blob, signal: AbortSignal, onRead: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  const reader = zip.stream().getReader();
  let read = 0;
  let reported = 0;
  let done = false;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (signal.aborted) throw new DropImportError('import_aborted', 'the import was cancelled');
      read += r.value.length;
      if (read - reported >= READ_REPORT_BYTES) onRead((reported = read));
      yield r.value;
    }
    done = true;
    onRead(read);
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function verify(source: DatasetSource, name: string | undefined, onProgress: OnProgress, opts: DropImportOptions): Promise<PreparedDataset> {
  const prepared = await prepareDataset(source, {
    name,
    readInfo: opts.readInfo ?? readImageInfo,
    decodeCheck: opts.decodeCheck ?? decodeCheck,
    onProgress: (done, total) => onProgress('verifying', done, total),
  });
  if (prepared.report.blocksTraining) {
    throw new DropImportError('not_trainable', `"${prepared.name}" cannot be trained: ${prepared.report.blockers.join('; ')}`);
  }
  return prepared;
}

/** The verified images in split order, each fetched by `bytesOf` only when storage asks for it, and the meta. */
function storagePlan(
  p: PreparedDataset,
  bytesOf: (path: string) => Promise<ImportItem['bytes']>,
): { items: AsyncGenerator<ImportItem>; meta: DatasetMeta; total: number } {
  const splits = (['train', 'val', 'test'] as const).flatMap((split) => (p.splits[split] ?? []).map((img) => ({ split, img })));
  async function* items(): AsyncGenerator<ImportItem> {
    for (const { split, img } of splits) {
      yield { split, path: img.path, bytes: await bytesOf(img.path), width: img.width, height: img.height, labels: img.labels };
    }
  }
  const stats = Object.fromEntries(Object.entries(p.stats).map(([k, v]) => [k, plainStats(v)]));
  const meta = { name: p.name, names: p.names, report: { ...p.report, notes: p.notes, autoSplit: p.autoSplit ?? null }, stats };
  return { items: items(), meta, total: splits.length };
}
