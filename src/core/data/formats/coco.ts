// COCO detection JSON -> the internal form, as upstream's JSON2YOLO converter (convert_coco) would write YOLO labels:
// box [x, y, w, h] in pixels -> centre / image size, iscrowd annotations skipped, boxes with w or h <= 0 skipped, rows
// written with '%g' (6 significant digits). Category ids (any integers) become 0..n-1 in sorted-id order; JSON2YOLO's
// 91->80 COCO mapping is not applied (it only fits the official COCO ids, and the sorted order gives the same
// classes there). Images without annotations are backgrounds.
import type { SplitName } from '../dataYaml';
import { compareCodePoints, dirnamePath } from '../paths';
import { basename, ImageIndex, splitOfName, visibleFiles } from './common';
import { datasetName } from './yolo';
import { DatasetFormatError, type DatasetSource, type ImageEntry, type ImportedDataset, type Problem, type RowRef } from './types';

interface CocoImage { id: unknown; file_name: unknown; width: unknown; height: unknown }
interface CocoAnn { id?: unknown; image_id: unknown; category_id: unknown; bbox: unknown; iscrowd?: unknown }

/** True when `text` looks like a COCO detection file (checked cheaply before parsing). */
export function looksLikeCoco(text: string): boolean {
  return text.includes('"annotations"') && text.includes('"images"') && text.includes('"categories"');
}

export function importCoco(source: DatasetSource, jsonPaths: string[], root: string): ImportedDataset {
  const { fs } = source;
  const docs = jsonPaths.map((file) => ({ file, doc: parseJson(fs.readText(file), file) }));
  const splitOf = new Map<SplitName, string>();
  for (const { file } of docs) {
    const split = docs.length === 1 ? 'train' : splitOfName(basename(file)) ?? splitOfName(basename(dirnamePath(file)));
    if (!split) throw new DatasetFormatError('ambiguous_split', 'several COCO files, and this one names no split (train/val/test) in its name or folder', { file });
    const other = splitOf.get(split);
    if (other) throw new DatasetFormatError('ambiguous_split', `both this file and ${other} look like the ${split} split`, { file });
    splitOf.set(split, file);
  }

  // Categories from every file; one id must have one name everywhere.
  const catName = new Map<number, { name: string; file: string }>();
  for (const { file, doc } of docs) {
    arrayOf(doc, 'categories', file).forEach((c, k) => {
      const cat = c as { id: unknown; name: unknown };
      if (!Number.isInteger(cat.id) || typeof cat.name !== 'string' || !cat.name) {
        throw new DatasetFormatError('bad_coco', `categories[${k}] needs an integer id and a name`, { file });
      }
      const seen = catName.get(cat.id as number);
      if (seen && seen.name !== cat.name) {
        throw new DatasetFormatError('names_conflict', `category id ${cat.id} is '${cat.name}' here but '${seen.name}' in ${seen.file}`, { file });
      }
      catName.set(cat.id as number, { name: cat.name, file });
    });
  }
  if (!catName.size) throw new DatasetFormatError('no_names', 'no categories', { file: jsonPaths[0] });
  const ids = [...catName.keys()].sort((a, b) => a - b);
  const classOf = new Map(ids.map((id, i) => [id, i]));

  const index = new ImageIndex(visibleFiles(fs, root));
  const problems: Problem[] = [];
  const notes: string[] = [];
  const splits: ImportedDataset['splits'] = { train: [] };
  const scanDirs: ImportedDataset['scanDirs'] = {};
  for (const { file, doc } of docs) {
    const split = [...splitOf].find(([, f]) => f === file)![0];
    splits[split] = convertFile(file, doc, classOf, index, problems, notes);
    scanDirs[split] = dirnamePath(file);
  }
  return {
    name: datasetName(root, jsonPaths[0]),
    format: 'coco',
    names: ids.map((id) => catName.get(id)!.name),
    namesFile: jsonPaths[0],
    splits,
    scanDirs,
    problems,
    notes,
  };
}

function convertFile(
  file: string, doc: Record<string, unknown>, classOf: Map<number, number>, index: ImageIndex, problems: Problem[], notes: string[],
): ImageEntry[] {
  const images = arrayOf(doc, 'images', file) as CocoImage[];
  const anns = arrayOf(doc, 'annotations', file) as CocoAnn[];
  const byImage = new Map<unknown, CocoAnn[]>();
  anns.forEach((a, k) => {
    if (!a || typeof a !== 'object') throw new DatasetFormatError('bad_coco', `annotations[${k}] is not an object`, { file });
    const list = byImage.get(a.image_id);
    if (list) list.push(a);
    else byImage.set(a.image_id, [a]);
  });
  const dir = dirnamePath(file);
  const entries: ImageEntry[] = [];
  const known = new Set<unknown>();
  let crowd = 0;
  images.forEach((img, k) => {
    if (!img || typeof img !== 'object' || typeof img.file_name !== 'string') {
      throw new DatasetFormatError('bad_coco', `images[${k}] needs a file_name`, { file });
    }
    known.add(img.id);
    const found = index.find(img.file_name, dir);
    if (found.length !== 1) {
      const why = found.length ? `matches several files: ${found.join(', ')}` : 'is not among the dataset files';
      problems.push({ file, code: found.length ? 'ambiguous_image' : 'image_missing', action: 'dropped', message: `images[${k}] '${img.file_name}' ${why}` });
      return;
    }
    const path = found[0];
    const list = byImage.get(img.id);
    if (!list) {
      entries.push({ path }); // JSON2YOLO writes no label file: a background image
      return;
    }
    const w = img.width as number;
    const h = img.height as number;
    if (!(Number.isFinite(w) && Number.isFinite(h) && w > 0 && h > 0)) {
      entries.push({ path, label: { file, text: '' }, labelError: bad(file, path, 'bad_coco', `images[${k}] (id ${img.id}) needs a positive width and height to normalize its boxes`) });
      return;
    }
    const lines: string[] = [];
    const rowRefs: RowRef[] = [];
    let skipped = 0;
    for (const a of list) {
      if (a.iscrowd) {
        crowd++;
        continue;
      }
      const cls = classOf.get(a.category_id as number);
      const box = a.bbox as number[];
      const note = `annotation id ${String(a.id)}`;
      if (cls === undefined) {
        entries.push({ path, label: { file, text: '' }, labelError: bad(file, path, 'coco_unknown_category', `${note}: category_id ${JSON.stringify(a.category_id)} is not in categories`) });
        return;
      }
      if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number')) {
        entries.push({ path, label: { file, text: '' }, labelError: bad(file, path, 'label_columns', `${note}: bbox must be [x, y, width, height] numbers, got ${JSON.stringify(box)}`) });
        return;
      }
      // float64 as numpy: top-left -> centre, then / image size
      const cx = (box[0] + box[2] / 2) / w;
      const cy = (box[1] + box[3] / 2) / h;
      const bw = box[2] / w;
      const bh = box[3] / h;
      if (bw <= 0 || bh <= 0) {
        skipped++;
        continue;
      }
      lines.push([cls, cx, cy, bw, bh].map((v) => formatG(v)).join(' '));
      rowRefs.push({ note });
    }
    if (skipped) problems.push({ file, code: 'box_empty', action: 'fixed', image: path, message: `${skipped} annotation(s) of ${path} with zero width or height skipped` });
    entries.push({ path, label: { file, text: lines.join('\n'), rowRefs } });
  });
  for (const id of byImage.keys()) {
    if (!known.has(id)) problems.push({ file, code: 'bad_coco', action: 'warning', message: `annotations refer to image_id ${JSON.stringify(id)}, which is not in images` });
  }
  if (crowd) notes.push(`${file}: ${crowd} iscrowd annotation(s) skipped, as upstream's JSON2YOLO does`);
  return entries.sort((a, b) => compareCodePoints(a.path, b.path));
}

function bad(file: string, image: string, code: string, message: string): Problem {
  return { file, code, message, action: 'dropped', image };
}

/**
 * Python's '%g' (precision 6): the exact binary value rounded half-to-even to 6 significant digits (JS's toPrecision
 * rounds exact ties up, and ties are common here: 50 / 256 = 0.1953125), then fixed or exponent notation as Python
 * picks it, trailing zeros dropped.
 */
export function formatG(v: number, precision = 6): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  // 100 significant digits hold the whole exact expansion of any double label values can be (>= 1e-10 or so).
  const [mant, e] = Math.abs(v).toExponential(99).split('e');
  const digits = mant.replace('.', '');
  let exp = Number(e);
  let head = digits.slice(0, precision);
  const rest = digits.slice(precision);
  const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(head[precision - 1]) % 2 === 1));
  if (up) {
    const inc = (BigInt(head) + 1n).toString();
    if (inc.length > precision) {
      head = inc.slice(0, precision);
      exp++;
    } else head = inc;
  }
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    const m = strip(`${head[0]}.${head.slice(1)}`);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = exp >= 0 ? `${head.slice(0, exp + 1)}.${head.slice(exp + 1)}` : `0.${'0'.repeat(-exp - 1)}${head}`;
  return sign + strip(fixed);
}

function parseJson(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = errorPosition(msg, text);
    const line = pos === undefined ? undefined : text.slice(0, pos).split('\n').length;
    throw new DatasetFormatError('bad_json', `invalid JSON: ${msg.split('\n')[0]}`, { file, line });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new DatasetFormatError('bad_coco', 'expected a JSON object', { file });
  return doc as Record<string, unknown>;
}

/**
 * Where V8's JSON.parse stopped: "... at position N", or for "Unexpected token 'X'" errors a quoted snippet of the
 * text, '..."<10 chars before, 10 after>"...' when cut out of a longer text, which we look up.
 */
function errorPosition(msg: string, text: string): number | undefined {
  const pos = /at position (\d+)/.exec(msg);
  if (pos) return Number(pos[1]);
  const m = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(msg);
  const at = m ? text.indexOf(m[3]) : -1;
  if (at < 0) return undefined;
  return at + (m![2] ? 10 : Math.max(0, m![3].indexOf(m![1])));
}

function arrayOf(doc: Record<string, unknown>, key: string, file: string): unknown[] {
  const v = doc[key];
  if (!Array.isArray(v)) throw new DatasetFormatError('bad_coco', `'${key}' must be a list`, { file });
  return v;
}
