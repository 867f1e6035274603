// Pascal VOC XML -> the internal form, as upstream's VOC.yaml conversion writes YOLO labels: 1-based pixel corners
// (xmin, xmax, ymin, ymax) -> ((xmin + xmax) / 2 - 1, (ymin + ymax) / 2 - 1, xmax - xmin, ymax - ymin) times
// 1 / size, `difficult` objects skipped, every xml giving a label file (possibly empty). Class names: a classes.txt /
// labels.txt / obj.names when the dataset has one (objects of other classes are skipped, as upstream skips names
// outside its list), otherwise every object name found, sorted.
import type { SplitName } from '../dataYaml';
import { compareCodePoints, dirnamePath, IMG_FORMATS, joinPath } from '../paths';
import { basename, depthBelow, ImageIndex, parseNamesList, splitOfName, stem, visibleFiles } from './common';
import { datasetName } from './yolo';
import { child, childText, descendants, parseXml, type XmlElement } from './xml';
import { SPLITS, type DatasetSource, type ImageEntry, type ImportedDataset, type Problem, type RowRef } from './types';

export function looksLikeVoc(text: string): boolean {
  return text.includes('<annotation');
}

interface VocDoc {
  file: string;
  root: XmlElement;
}

export function importVoc(source: DatasetSource, xmlPaths: string[], root: string, namesPath?: string): ImportedDataset {
  const { fs } = source;
  const docs: VocDoc[] = xmlPaths.map((file) => ({ file, root: parseXml(fs.readText(file), file) })).filter((d) => d.root.name === 'annotation');
  const listed = namesPath ? parseNamesList(fs.readText(namesPath)) : undefined;
  const names = listed ?? [...new Set(docs.flatMap((d) => descendants(d.root, 'object').map((o) => childText(o, 'name') ?? '')))]
    .filter(Boolean)
    .sort(compareCodePoints);

  const files = visibleFiles(fs, root);
  const index = new ImageIndex(files);
  const problems: Problem[] = [];
  const counts = { difficult: 0 };
  const entryOf = new Map<string, ImageEntry>();
  for (const d of docs) {
    const e = convertDoc(d, names, listed !== undefined, index, problems, counts);
    if (e) entryOf.set(d.file, e);
  }

  const splits = assignSplits(docs.map((d) => d.file), files, root, fs, problems);
  const out: ImportedDataset['splits'] = { train: [] };
  const scanDirs: ImportedDataset['scanDirs'] = {};
  for (const s of SPLITS) {
    const xmls = splits.get(s);
    if (!xmls) continue;
    out[s] = xmls.map((x) => entryOf.get(x)).filter((e): e is ImageEntry => !!e).sort((a, b) => compareCodePoints(a.path, b.path));
    scanDirs[s] = xmls.length ? dirnamePath(xmls[0]) : undefined;
  }
  const notes: string[] = [];
  if (counts.difficult) notes.push(`${counts.difficult} difficult object(s) skipped, as upstream's VOC conversion does`);
  return { name: datasetName(root, xmlPaths[0]), format: 'voc', names, namesFile: namesPath, splits: out, scanDirs, problems, notes };
}

function convertDoc(
  d: VocDoc, names: string[], listed: boolean, index: ImageIndex, problems: Problem[], counts: { difficult: number },
): ImageEntry | undefined {
  const { file, root } = d;
  const xmlDir = dirnamePath(file);
  const filename = childText(root, 'filename');
  const tries = [filename, ...IMG_FORMATS.map((ext) => `${stem(file)}.${ext}`)].filter((n): n is string => !!n);
  let found: string[] = [];
  for (const name of tries) {
    // several images of that name: the one beside the xml, else below the xml's parent (VOC's JPEGImages)
    found = index.find(name, dirnamePath(xmlDir));
    if (found.length > 1) found = index.find(name, xmlDir).filter((f) => found.includes(f));
    if (found.length) break;
  }
  if (found.length !== 1) {
    const why = found.length ? `matches several files: ${found.join(', ')}` : 'is not among the dataset files';
    problems.push({ file, line: child(root, 'filename')?.line, code: found.length ? 'ambiguous_image' : 'image_missing', action: 'dropped', message: `image '${filename ?? stem(file)}' ${why}` });
    return undefined;
  }
  const path = found[0];
  const size = child(root, 'size');
  const w = Number(size && childText(size, 'width'));
  const h = Number(size && childText(size, 'height'));
  const drop = (code: string, message: string, line?: number): ImageEntry =>
    ({ path, label: { file, text: '' }, labelError: { file, line, code, message, action: 'dropped', image: path } });
  if (!(w > 0 && h > 0)) return drop('bad_voc', '<size> needs a positive <width> and <height> to normalize the boxes', size?.line ?? root.line);

  const lines: string[] = [];
  const rowRefs: RowRef[] = [];
  for (const obj of descendants(root, 'object')) {
    const name = childText(obj, 'name') ?? '';
    const cls = names.indexOf(name);
    if (cls < 0) {
      problems.push({ file, line: obj.line, code: 'label_class_unknown', action: 'fixed', image: path, message: `object '${name}' is not in the class list: skipped` });
      continue;
    }
    if (Number(childText(obj, 'difficult') ?? 0) === 1) {
      counts.difficult++;
      continue;
    }
    const box = child(obj, 'bndbox');
    const v = ['xmin', 'xmax', 'ymin', 'ymax'].map((k) => Number(box && childText(box, k)));
    if (!box || v.some((x) => !Number.isFinite(x))) {
      return drop('label_not_numeric', '<bndbox> needs numeric <xmin> <xmax> <ymin> <ymax>', box?.line ?? obj.line);
    }
    const [xmin, xmax, ymin, ymax] = v;
    const dw = 1 / w;
    const dh = 1 / h;
    const row = [((xmin + xmax) / 2 - 1) * dw, ((ymin + ymax) / 2 - 1) * dh, (xmax - xmin) * dw, (ymax - ymin) * dh];
    lines.push(`${cls} ${row.map(String).join(' ')}`);
    rowRefs.push({ line: obj.line });
  }
  return { path, label: { file, text: lines.join('\n'), rowRefs } };
}

/**
 * Which xml belongs to which split: VOC's ImageSets/Main/{train,val,test}.txt (trainval.txt when there is no
 * train.txt) when present, else folder names (a Roboflow VOC export's train/ valid/ test/), else all train.
 */
function assignSplits(
  xmls: string[], files: string[], root: string, fs: DatasetSource['fs'], problems: Problem[],
): Map<SplitName, string[]> {
  const out = new Map<SplitName, string[]>();
  const sets = files.filter((f) => /\/ImageSets\/Main\/(train|trainval|val|test)\.txt$/.test(f));
  if (sets.length) {
    const xmlSet = new Set(xmls);
    const pick = (s: SplitName, base: string) => {
      const list = sets.find((f) => basename(f) === base);
      if (!list || out.has(s)) return;
      const vocDir = dirnamePath(dirnamePath(dirnamePath(list)));
      const ids = parseNamesList(fs.readText(list)).map((l) => l.split(/\s+/)[0]);
      out.set(s, ids.map((id) => joinPath(vocDir, 'Annotations', `${id}.xml`)).filter((x) => {
        if (xmlSet.has(x)) return true;
        problems.push({ file: list, code: 'image_missing', action: 'warning', split: s, message: `${x} is listed but does not exist` });
        return false;
      }));
    };
    pick('train', 'train.txt');
    pick('train', 'trainval.txt');
    pick('val', 'val.txt');
    pick('test', 'test.txt');
    if (out.has('train')) return out;
    out.clear();
  }
  for (const x of xmls) {
    const rel = x.slice(root === '/' ? 1 : root.length + 1).split('/').slice(0, depthBelow(root, x));
    const s = rel.map(splitOfName).find((v) => v !== undefined) ?? 'train';
    const list = out.get(s);
    if (list) list.push(x);
    else out.set(s, [x]);
  }
  if (!out.has('train')) return new Map([['train', xmls]]);
  return out;
}
