// A dropped dataset (a folder, loose files or one .zip) into storage: core/data finds the layout (YOLO, COCO, VOC,
// Darknet, plain folder), verifies every image and label (a corrupt file is reported by name and left out), splits
// off val when there is none, computes label statistics; storage then writes it atomically.
import { unzipToFiles } from '../core/data/zip';
import { memorySource } from '../core/data/formats';
import type { InputFile } from '../core/data/formats/types';
import { prepareDataset, type PreparedDataset } from '../core/data/formats/prepare';
import type { LabelStats } from '../core/data/stats';
import type { DroppedFile, ImportPhase, ImportSummary } from '../protocol/messages';
import { importDataset, type DatasetManifest, type ImportItem, type StudioDb } from '../storage';
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

const stem = (name: string) => name.replace(/\.[^.]*$/, '');

/** The dropped files as core/data InputFiles (a single zip unpacked in memory, other files read lazily). */
async function inputsOf(files: DroppedFile[]): Promise<{ inputs: InputFile[]; name?: string }> {
  if (files.length === 1 && /\.zip$/i.test(files[0].file.name)) {
    const zip = files[0].file;
    return { inputs: await unzipToFiles(zip.stream(), {}, zip.name), name: stem(zip.name) };
  }
  const zips = files.filter((f) => /\.zip$/i.test(f.path));
  if (zips.length) throw new DropImportError('zip_with_files', `drop a zip on its own: ${zips[0].path} came with ${files.length - 1} other file(s)`);
  // A dropped folder: every path starts with its name, which names the dataset.
  const top = new Set(files.map((f) => f.path.replace(/^\/+/, '').split('/')[0]));
  const name = top.size === 1 && files.every((f) => f.path.replace(/^\/+/, '').includes('/')) ? [...top][0] : undefined;
  return { inputs: files.map((f) => ({ path: f.path, bytes: async () => new Uint8Array(await f.file.arrayBuffer()) })), name };
}

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
  onProgress: (phase: ImportPhase, done: number, total: number) => void,
  signal: AbortSignal,
): Promise<ImportSummary> {
  if (!files.length) throw new DropImportError('nothing_dropped', 'no files were dropped');
  onProgress('reading', 0, files.length);
  const { inputs, name } = await inputsOf(files);
  const source = await memorySource(inputs);
  const prepared = await prepareDataset(source, {
    name, readInfo: readImageInfo, decodeCheck, onProgress: (done, total) => onProgress('verifying', done, total),
  });
  if (prepared.report.blocksTraining) {
    throw new DropImportError('not_trainable', `"${prepared.name}" cannot be trained: ${prepared.report.blockers.join('; ')}`);
  }
  const splits = (['train', 'val', 'test'] as const).flatMap((split) => (prepared.splits[split] ?? []).map((img) => ({ split, img })));
  async function* items(): AsyncGenerator<ImportItem> {
    for (const { split, img } of splits) {
      yield { split, path: img.path, bytes: await source.bytes(img.path), width: img.width, height: img.height, labels: img.labels };
    }
  }
  const stats = Object.fromEntries(Object.entries(prepared.stats).map(([k, v]) => [k, plainStats(v)]));
  const manifest = await importDataset(db, items(), {
    name: prepared.name, names: prepared.names, report: { ...prepared.report, notes: prepared.notes, autoSplit: prepared.autoSplit ?? null }, stats,
  }, { total: splits.length, signal, onProgress: (p) => onProgress('writing', p.images, splits.length) });
  return summarize(prepared, manifest);
}
