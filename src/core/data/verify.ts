// Upstream's verify_image_label for every image of an imported dataset, with a report entry for each file that was
// dropped or fixed and why. Image facts come from an injected header reader (sharp in Node, the browser's decoder in
// the worker), so this module stays free of any decoder.
import { YoloError } from '../errors';
import type { SplitName } from './dataYaml';
import { LabelError } from './errors';
import { parseLabels } from './labels';
import { IMG_FORMATS } from './paths';
import { SPLITS, type DatasetFormat, type ImageEntry, type ImportedDataset, type Problem, type DatasetSource } from './formats/types';
import { exifSizeUpstream } from './valLoader';

/** What an image header says (src/cli/image.ts readImageInfo returns this). */
export interface ImageHeader {
  /** 'jpeg', 'png', 'webp', 'tiff', 'bmp', ... as the decoder names it. */
  format: string;
  /** Stored size, before EXIF rotation. */
  width: number;
  height: number;
  /** EXIF orientation 1..8 (absent: 1). */
  orientation?: number;
}

export interface VerifyOptions {
  /** Reads the header; throws (ideally an ImageDecodeError with a code) for a corrupt or unsupported image. */
  readInfo: (bytes: Uint8Array, file: string) => Promise<ImageHeader>;
  /**
   * Decodes the whole image, throwing when it cannot. Used only for JPEGs that do not end with the FFD9 marker:
   * upstream re-saves those when PIL can still read them; we keep them when they decode, drop them otherwise.
   * Without it such JPEGs are dropped.
   */
  decodeCheck?: (bytes: Uint8Array, file: string) => Promise<unknown>;
  /** Images verified at once (header reads overlap their I/O). Default 8. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One usable image with its verified labels. */
export interface DatasetImage {
  path: string;
  /** (n, 5) float32 [cls, cx, cy, w, h], normalized; duplicates removed. */
  labels: Float32Array;
  /** The label .txt (or the json / xml the labels came from); absent for an image without one. */
  labelFile?: string;
  /** Size as upstream's exif_size reports it (width/height swapped for EXIF orientations 6 and 8). */
  width: number;
  height: number;
  format: string;
  orientation: number;
  /** Exact duplicate rows removed from its label file (upstream's "N duplicate labels removed"). */
  duplicatesRemoved?: number;
}

/** Upstream's counters for one split (found/missing/empty refer to label files), plus what was kept. */
export interface SplitReport {
  split: SplitName;
  /** Folder named in the scanning line. */
  scanDir: string;
  found: number;
  missing: number;
  empty: number;
  corrupt: number;
  /** Images kept (with or without labels). */
  images: number;
  /** Kept images without any label row. */
  backgrounds: number;
  instances: number;
  duplicatesRemoved: number;
}

export interface VerifyReport {
  splits: Partial<Record<SplitName, SplitReport>>;
  /** Import problems first, then one entry per dropped / fixed image, in split and path order. */
  problems: Problem[];
  /** Reasons training must not start (class ids beyond names, no usable train image). */
  blockers: string[];
  blocksTraining: boolean;
}

export interface VerifiedDataset {
  name: string;
  format: DatasetFormat;
  names: string[];
  splits: { train: DatasetImage[]; val?: DatasetImage[]; test?: DatasetImage[] };
  report: VerifyReport;
  notes: string[];
  /** Set when val was split off train by applyAutoSplit (split.ts): how, so the UI can show and change it. */
  autoSplit?: { valFraction: number; seed: number };
}

/** Training refused (see VerifyReport.blockers). Code: not_trainable. */
export class DatasetCheckError extends YoloError {}

/** Upstream's check: both sides of the EXIF-corrected size must exceed 9 pixels. */
export const MIN_IMAGE_SIZE = 10;

interface ImageResult {
  image?: DatasetImage;
  problems: Problem[];
  found: number;
  missing: number;
  empty: number;
  corrupt: number;
  duplicatesRemoved: number;
  /** Class id of a row beyond names, with where it is (for the blocker message). */
  classBeyond?: { cls: number; where: string };
  hash?: string;
}

export async function verifyDataset(ds: ImportedDataset, source: DatasetSource, opts: VerifyOptions): Promise<VerifiedDataset> {
  const nc = ds.names.length;
  const total = SPLITS.reduce((n, s) => n + (ds.splits[s]?.length ?? 0), 0);
  let done = 0;
  const problems: Problem[] = [...ds.problems];
  const splits: VerifiedDataset['splits'] = { train: [] };
  const reports: VerifyReport['splits'] = {};
  const beyond: { cls: number; where: string }[] = [];
  const hashes = new Map<string, { path: string; split: SplitName }>();

  for (const split of SPLITS) {
    const entries = ds.splits[split];
    if (!entries) continue;
    const results = await mapLimit(entries, opts.concurrency ?? 8, async (e) => {
      const r = await verifyImage(e, split, nc, source, opts);
      opts.onProgress?.(++done, total);
      return r;
    });
    const rep: SplitReport = {
      split, scanDir: ds.scanDirs[split] ?? source.root, found: 0, missing: 0, empty: 0, corrupt: 0, images: 0, backgrounds: 0,
      instances: 0, duplicatesRemoved: 0,
    };
    const kept: DatasetImage[] = [];
    for (const r of results) {
      rep.found += r.found;
      rep.missing += r.missing;
      rep.empty += r.empty;
      rep.corrupt += r.corrupt;
      rep.duplicatesRemoved += r.duplicatesRemoved;
      problems.push(...r.problems);
      if (r.classBeyond) beyond.push(r.classBeyond);
      if (!r.image) continue;
      kept.push(r.image);
      const n = r.image.labels.length / 5;
      rep.images++;
      rep.instances += n;
      if (!n) rep.backgrounds++;
      // The same bytes under another name in an earlier split: the model would be evaluated on what it trained on.
      const prev = r.hash ? hashes.get(r.hash) : undefined;
      if (prev && prev.split !== split && prev.path !== r.image.path) {
        problems.push({
          file: r.image.path, code: 'duplicate_content', action: 'warning', split,
          message: `identical to ${prev.path} in ${prev.split}: the same image is in ${prev.split} and ${split}`,
        });
      } else if (r.hash && !prev) hashes.set(r.hash, { path: r.image.path, split });
    }
    splits[split] = kept;
    reports[split] = rep;
  }

  const blockers: string[] = [];
  if (beyond.length) {
    const max = Math.max(...beyond.map((b) => b.cls));
    blockers.push(
      `${beyond.length} label file(s) use class ids beyond the ${nc} names (largest ${max}, first at ${beyond[0].where}): ` +
        `fix the labels or the names${ds.namesFile ? ` in ${ds.namesFile}` : ''} before training`,
    );
  }
  if (!splits.train.length) blockers.push(`no usable images in the train split (${reports.train?.corrupt ?? 0} corrupt, see the problems above)`);
  // upstream asserts the same before training: "No labels found" / "All labels empty ... can not start training"
  else if (!reports.train!.instances) blockers.push(`no labels in the train split (${reports.train!.scanDir}): nothing to train on`);
  if (splits.val && !splits.val.length && ds.splits.val?.length) {
    problems.push({ file: reports.val!.scanDir, code: 'no_images', action: 'warning', split: 'val', message: 'no usable images in the val split' });
  }
  return {
    name: ds.name,
    format: ds.format,
    names: ds.names,
    splits,
    report: { splits: reports, problems, blockers, blocksTraining: blockers.length > 0 },
    notes: ds.notes,
  };
}

/** Throws DatasetCheckError (not_trainable) listing the blockers, if there are any. */
export function assertTrainable(v: VerifiedDataset): void {
  if (v.report.blocksTraining) throw new DatasetCheckError('not_trainable', `training cannot start: ${v.report.blockers.join('; ')}`);
}

async function verifyImage(e: ImageEntry, split: SplitName, nc: number, source: DatasetSource, opts: VerifyOptions): Promise<ImageResult> {
  const r: ImageResult = { problems: [], found: 0, missing: 0, empty: 0, corrupt: 0, duplicatesRemoved: 0 };
  const drop = (p: Omit<Problem, 'action' | 'split'>): ImageResult => {
    r.corrupt = 1;
    r.problems.push({ ...p, action: 'dropped', split });
    return r;
  };
  const path = e.path;

  // The image: readable, a format upstream accepts, at least 10 px each way, JPEGs complete.
  let bytes: Uint8Array;
  let info: ImageHeader;
  try {
    bytes = await source.bytes(path);
  } catch (err) {
    return drop({ file: path, code: 'image_unreadable', message: `cannot read the file: ${bareMessage(err as Error, path)}` });
  }
  try {
    info = await opts.readInfo(bytes, path);
  } catch (err) {
    // Whatever the injected reader throws, one bad file must not stop the scan of the others.
    const code = (err as YoloError).code;
    return drop({ file: path, code: typeof code === 'string' ? code : 'image_corrupt', message: `ignoring corrupt image: ${bareMessage(err as Error, path)}` });
  }
  const format = info.format.toLowerCase();
  if (!IMG_FORMATS.includes(format)) return drop({ file: path, code: 'image_unsupported', message: `invalid image format ${info.format}` });
  const orientation = info.orientation ?? 1;
  const [width, height] = exifSizeUpstream(info.width, info.height, orientation);
  if (width < MIN_IMAGE_SIZE || height < MIN_IMAGE_SIZE) {
    return drop({ file: path, code: 'image_too_small', message: `image size ${width}x${height} < ${MIN_IMAGE_SIZE} pixels` });
  }
  if ((format === 'jpeg' || format === 'jpg') && !(bytes.length >= 2 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9)) {
    let why = 'no decoder to check it';
    if (opts.decodeCheck) {
      try {
        await opts.decodeCheck(bytes, path);
        why = '';
      } catch (err) {
        why = bareMessage(err as Error, path);
      }
    }
    if (why) return drop({ file: path, code: 'image_truncated', message: `corrupt JPEG: truncated (no end-of-image marker FFD9) and not decodable: ${why}` });
    r.problems.push({ file: path, code: 'jpeg_no_eoi', action: 'fixed', split, message: 'JPEG lacks its end-of-image marker but decodes completely: kept' });
  }

  // The labels, checked as YOLO text whatever the source format was.
  let labels: Float32Array = new Float32Array(0);
  if (e.label) r.found = 1;
  else r.missing = 1;
  if (e.labelError) return drop({ ...e.labelError, image: path });
  if (e.label) {
    const { file, text, rowRefs } = e.label;
    try {
      const set = parseLabels(text, file, { nc });
      labels = set.rows;
      if (!set.n) r.empty = 1;
      if (set.duplicatesRemoved) {
        r.duplicatesRemoved = set.duplicatesRemoved;
        r.problems.push({ file, code: 'duplicate_labels', action: 'fixed', image: path, split, message: `${set.duplicatesRemoved} duplicate labels removed` });
      }
    } catch (err) {
      if (!(err instanceof LabelError)) throw err;
      const ref = rowRefs && err.line ? rowRefs[err.line - 1] : undefined;
      const line = rowRefs ? ref?.line : err.line;
      const msg = bareMessage(err, file);
      if (err.code === 'label_class_range') {
        const row = err.line ? text.split(/\r\n|\r|\n/)[err.line - 1] : '';
        r.classBeyond = { cls: Number(row.trim().split(/\s+/)[0]), where: `${file}${line ? `:${line}` : ''}` };
      }
      return drop({ file, line, code: err.code, image: path, message: ref?.note ? `${ref.note}: ${msg}` : msg });
    }
  }
  r.hash = contentHash(bytes);
  r.image = {
    path, labels, width, height, format, orientation,
    ...(e.label && { labelFile: e.label.file }),
    ...(r.duplicatesRemoved && { duplicatesRemoved: r.duplicatesRemoved }),
  };
  return r;
}

/** The message without the "file:line: " prefix YoloError puts in front (the report shows file and line itself). */
function bareMessage(err: Error, file: string): string {
  const m = err.message;
  for (const prefix of [(err as YoloError).file, file]) {
    if (!prefix || !m.startsWith(prefix)) continue;
    const rest = m.slice(prefix.length).replace(/^:\d+/, '');
    if (rest.startsWith(': ')) return rest.slice(2);
  }
  return m;
}

/** Two 32-bit FNV-1a variants plus the length: identical files collide, different ones practically never. */
function contentHash(b: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ b.length;
  for (let i = 0; i < b.length; i++) {
    h1 = Math.imul(h1 ^ b[i], 0x01000193);
    h2 = Math.imul(h2 ^ b[i], 0x5bd1e995);
  }
  return `${b.length}:${(h1 >>> 0).toString(36)}:${(h2 >>> 0).toString(36)}`;
}

/** Maps with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Upstream's scanning line (v6 wording, which names all four counters). */
export function scanningLine(r: SplitReport): string {
  return `${r.split}: Scanning '${r.scanDir}' images and labels... ${r.found} found, ${r.missing} missing, ${r.empty} empty, ${r.corrupt} corrupt`;
}

/** Upstream v7.0's summary: its "images" are the label files found, its backgrounds the missing plus empty ones. */
export function summaryLine(r: SplitReport): string {
  return `${r.split}: ${r.found} images, ${r.missing + r.empty} backgrounds, ${r.corrupt} corrupt`;
}
