// Where each file of a bundle goes and what the small text files say: safe folder and file names, image names that
// upstream's img2label rule maps to distinct label files, YOLO label text that reads back to the exact float32 rows
// the studio stored, and the data.yaml.
import { IMG_FORMATS } from '../data/paths';
import { BundleError } from './errors';
import { yamlString } from './pyyaml';

/** A name safe as one path segment on any file system and in a shell: A-Z a-z 0-9 . _ -, not starting with '.'. */
export function safeSegment(name: string, fallback: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // café -> cafe
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 100);
  return s || fallback;
}

/** The folder a dataset gets under datasets/ (also what an imported run's opt.data is matched against). */
export function datasetDirName(name: string): string {
  return safeSegment(name, 'dataset');
}

const EXT_OF_MIME: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/bmp': 'bmp',
  'image/webp': 'webp',
  'image/tiff': 'tif',
};

/**
 * Hands out image file names within one split folder. Upstream finds an image's labels by swapping the extension
 * for .txt, so two images may not share a stem (a.jpg and a.png would share a.txt); case-insensitive file systems
 * merge A.jpg and a.jpg too. A clash gets _2, _3, ... An extension upstream does not list as an image format gets
 * the one of the stored MIME type, or upstream would skip the file.
 */
export class SplitNames {
  private readonly stems = new Set<string>();

  next(path: string, type = ''): { image: string; label: string } {
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    let ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
    let stem = safeSegment(dot > 0 ? base.slice(0, dot) : base, 'image');
    if (!IMG_FORMATS.includes(ext)) ext = EXT_OF_MIME[type] ?? 'jpg';
    let unique = stem;
    for (let k = 2; this.stems.has(unique.toLowerCase()); k++) unique = `${stem}_${k}`;
    stem = unique;
    this.stems.add(stem.toLowerCase());
    return { image: `${stem}.${ext}`, label: `${stem}.txt` };
  }
}

/** The shortest decimal that numpy (float(s), then float32) reads back as exactly this float32 value. */
export function float32Text(v: number): string {
  const f = Math.fround(v);
  if (Number.isInteger(f) && Math.abs(f) < 2 ** 24) return String(f);
  for (let p = 1; p <= 9; p++) {
    const d = Number(f.toPrecision(p));
    if (Math.fround(d) === f) return String(d);
  }
  return String(f); // 9 significant digits always round-trip a float32; not reached
}

/**
 * A YOLO label file from the verified (n, 5) rows [cls, cx, cy, w, h]: one row per line, values that read back to the
 * same float32 bits, so upstream trains on exactly the boxes the studio verified. No rows: an empty file.
 */
export function labelText(rows: ArrayLike<number>, file: string): string {
  if (rows.length % 5 !== 0) throw new BundleError('bad_labels', `labels hold ${rows.length} numbers, not rows of 5`, { file });
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i += 5) {
    const row = Array.from({ length: 5 }, (_, k) => rows[i + k]);
    if (row.some((v) => !Number.isFinite(v))) throw new BundleError('bad_labels', `row ${i / 5 + 1} holds a non-finite number`, { file });
    lines.push(row.map(float32Text).join(' '));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export interface DataYamlSpec {
  /** Folder name under datasets/. */
  dir: string;
  names: string[];
  hasTest: boolean;
  /** For the comment line: images per split. */
  counts: { train: number; val: number; test: number };
  title: string;
}

/**
 * data.yaml in upstream v7.0's own style. `path` is relative: check_dataset resolves it against the yolov5 folder
 * (ROOT / path), so '../datasets/<dir>' is the folder beside the checkout. `nc` is redundant for v7.0 (it counts
 * the names) and keeps v6 releases, which read it, working.
 */
export function dataYamlText(s: DataYamlSpec): string {
  const lines = [
    `# ${s.title.replace(/[\r\n]+/g, ' ')}: ${s.counts.train} train, ${s.counts.val} val, ${s.counts.test} test images (only the files that passed verification)`,
    '# Written by yolo-studio for ultralytics/yolov5 v7.0. Unpack the bundle beside the yolov5 folder (see the README).',
    `path: ../datasets/${s.dir}  # dataset root, relative to the yolov5 folder`,
    'train: images/train  # relative to path',
    'val: images/val',
    ...(s.hasTest ? ['test: images/test'] : ['test:  # no test split']),
    '',
    '# Classes',
    `nc: ${s.names.length}`,
    'names:',
    ...s.names.map((n, i) => `  ${i}: ${yamlString(n)}`),
  ];
  return `${lines.join('\n')}\n`;
}
