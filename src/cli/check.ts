// `yolo-studio check`: the dataset health check. Reads a data.yaml, a folder (any supported layout) or a zip,
// verifies every image and label as upstream's verify_image_label does, and prints the scanning summary per split,
// each dropped or fixed file with its reason, and the per-class statistics.
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { memorySource, type DatasetSource, type Problem } from '../core/data/formats';
import { prepareDataset, type PreparedDataset } from '../core/data/formats/prepare';
import { SPLITS } from '../core/data/formats/types';
import { scanningLine, summaryLine, assertTrainable } from '../core/data/verify';
import { unzipToFiles } from '../core/data/zip';
import { YoloError } from '../core/errors';
import { helpText, parseFlags, UsageError, type FlagSpec } from './args';
import { nodeFs } from './dataset';
import { decodeImage, readImageInfo } from './image';

const FLAGS: FlagSpec = {
  data: { type: 'string', help: 'dataset: D/data.yaml, D.zip or a folder D (also obj.data or a COCO .json)' },
  'val-fraction': { type: 'number', default: 0.1, help: 'share of images split off as val when the dataset has no val split' },
  seed: { type: 'int', default: 0, help: 'seed of that split' },
  json: { type: 'string', help: 'also write {splits, problems, per_class, ...} to this file' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function checkCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, FLAGS);
  if (f.help) {
    console.log(helpText('check', 'Verify a dataset as upstream does before training and print its report and label statistics.', FLAGS));
    return;
  }
  if (!f.data) throw new UsageError('check needs --data D/data.yaml, D.zip or a folder');
  const { ds } = await loadDataset(f.data as string, { valFraction: f.valFraction as number, seed: f.seed as number });
  console.log(formatCheck(ds));
  if (f.json) writeFileSync(f.json as string, `${JSON.stringify(checkJson(ds), null, 2)}\n`);
  assertTrainable(ds);
}

/**
 * The dataset at `data` (a data.yaml, a folder in any supported layout, a zip, an obj.data or a COCO .json), verified
 * and with val split off when it has none, plus the source its image bytes are read from.
 */
export async function loadDataset(data: string, split: { valFraction: number; seed: number }): Promise<{ ds: PreparedDataset; source: DatasetSource }> {
  const target = resolve(data);
  if (!existsSync(target)) throw new YoloError('data_not_found', 'no such file or folder', { file: data });
  let source: DatasetSource;
  let file: string | undefined;
  let name: string | undefined;
  if (statSync(target).isDirectory()) source = nodeSource(target);
  else if (extname(target).toLowerCase() === '.zip') {
    source = await memorySource(await unzipToFiles(createReadStream(target), {}, target));
    name = basename(target, extname(target));
  } else {
    // a COCO json's images sit beside it (Roboflow) or beside its annotations/ folder (COCO): search from one up
    source = nodeSource(extname(target).toLowerCase() === '.json' ? dirname(dirname(target)) : dirname(target));
    file = target;
  }
  const ds = await prepareDataset(source, {
    file, name, ...split,
    readInfo: (bytes, path) => readImageInfo(bytes, path),
    decodeCheck: (bytes, path) => decodeImage(bytes, path),
  });
  return { ds, source };
}

function nodeSource(root: string): DatasetSource {
  return { fs: nodeFs, root, bytes: async (p) => new Uint8Array(await readFile(p)) };
}

/** The printed report: dataset line, scanning lines per split, problems, notes, per-class table. */
export function formatCheck(ds: PreparedDataset): string {
  const out = [`Dataset '${ds.name}' (${ds.format}): ${ds.names.length} classes`];
  const splits = SPLITS.filter((s) => ds.report.splits[s]);
  for (const s of splits) {
    let r = ds.report.splits[s]!;
    if (s === 'train' && ds.autoSplit) {
      // the scan covered train and the val later split off it
      const v = ds.report.splits.val!;
      r = { ...r, found: r.found + v.found, missing: r.missing + v.missing, empty: r.empty + v.empty };
    }
    if (s === 'val' && ds.autoSplit) {
      const { valFraction, seed } = ds.autoSplit;
      out.push(`val: no val split: ${r.images} of the train images split off (${Math.round(valFraction * 100)}%, stratified by class, seed ${seed}; --val-fraction, --seed)`);
      continue;
    }
    out.push(scanningLine(r), summaryLine(r));
  }
  for (const n of ds.notes) out.push(`note: ${n}`);
  const problems = ds.report.problems;
  if (problems.length) {
    const count = (a: Problem['action']) => problems.filter((p) => p.action === a).length;
    out.push('', `Problems: ${count('dropped')} dropped, ${count('fixed')} fixed, ${count('warning')} warnings`);
    for (const p of problems) out.push(`  ${p.action.toUpperCase().padEnd(8)} ${formatProblem(p)}`);
  }
  out.push('', classTable(ds));
  for (const s of splits) {
    const r = ds.report.splits[s]!;
    out.push(`${s}: ${r.images} images (${r.backgrounds} backgrounds), ${r.instances} instances, ${r.duplicatesRemoved} duplicate labels removed`);
  }
  return out.join('\n');
}

function formatProblem(p: Problem): string {
  const where = `${p.file}${p.line ? `:${p.line}` : ''}`;
  const image = p.image && p.image !== p.file ? ` (image ${p.image})` : '';
  return `${where}: ${p.message}${image} [${p.code}]`;
}

/** Upstream-style columns (%22s then %11s): images and instances per class for each split. */
function classTable(ds: PreparedDataset): string {
  const splits = SPLITS.filter((s) => ds.stats[s]);
  const head = ['Class'.padStart(22), ...splits.flatMap((s) => [`${s} images`.padStart(14), `instances`.padStart(11)])].join('');
  const row = (label: string, cells: number[]) => [label.padStart(22), ...cells.map((c, i) => String(c).padStart(i % 2 ? 11 : 14))].join('');
  const lines = [head, row('all', splits.flatMap((s) => [ds.stats[s]!.images, ds.stats[s]!.instances]))];
  ds.names.forEach((name, id) => {
    lines.push(row(name, splits.flatMap((s) => [ds.stats[s]!.perClass[id].images, ds.stats[s]!.perClass[id].instances])));
  });
  return lines.join('\n');
}

/** The --json document. */
export function checkJson(ds: PreparedDataset): Record<string, unknown> {
  const splits: Record<string, unknown> = {};
  for (const s of SPLITS) {
    const r = ds.report.splits[s];
    if (!r) continue;
    splits[s] = {
      images: r.images, backgrounds: r.backgrounds, corrupt: r.corrupt, instances: r.instances, duplicates_removed: r.duplicatesRemoved,
      found: r.found, missing: r.missing, empty: r.empty,
    };
  }
  const statSplits = SPLITS.filter((s) => ds.stats[s]);
  return {
    dataset: { name: ds.name, format: ds.format, names: ds.names, auto_split: ds.autoSplit ? { val_fraction: ds.autoSplit.valFraction, seed: ds.autoSplit.seed } : null },
    splits,
    problems: ds.report.problems.map((p) => ({
      file: p.file, line: p.line ?? null, code: p.code, message: p.message, action: p.action, image: p.image ?? null, split: p.split ?? null,
    })),
    per_class: ds.names.map((name, id) => {
      const per: Record<string, unknown> = { id, name };
      let instances = 0;
      let images = 0;
      for (const s of statSplits) {
        const c = ds.stats[s]!.perClass[id];
        per[s] = { images: c.images, instances: c.instances };
        instances += c.instances;
        images += c.images;
      }
      return { ...per, instances, images };
    }),
    notes: ds.notes,
    blocks_training: ds.report.blocksTraining,
    blockers: ds.report.blockers,
  };
}
