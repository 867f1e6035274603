// A run trained elsewhere (upstream YOLOv5 on a cluster) from its dropped files: best.pt / last.pt / epochN.pt and
// optionally results.csv. Each checkpoint is read safely (no code runs), its model checked to be one we can build,
// and classified as upstream leaves it: a finished run's files are stripped (EMA weights as model, optimizer None,
// epoch -1); only an unstripped last.pt still holds the optimizer state a resume needs.
import { HYP_KEYS, type Hyp } from '../config/hyps';
import { validateHyp } from '../config/hypYaml';
import { assertSupportedModel, readCheckpoint, type Checkpoint, type ModelInfo, type Plain } from '../io';
import type { EpochRow } from '../train/results';
import { ExternalRunError } from './errors';
import { readResultsCsv } from './resultsCsv';

export interface ExternalFile {
  /** The file's name or its path inside a dropped folder. */
  name: string;
  bytes: Uint8Array;
}

export type ExternalKind = 'best' | 'last' | 'epoch';

export interface ExternalCheckpoint {
  kind: ExternalKind;
  fileName: string;
  bytes: Uint8Array;
  /** The epoch it was saved after; -1 for a stripped (final) file, as upstream writes it. */
  epoch: number;
  stripped: boolean;
  /** Unstripped last.pt: upstream (and the studio) can resume from it. */
  resumable: boolean;
  bestFitness: number | null;
  date: string | null;
}

export interface ExternalRun {
  /** last, best, then epoch checkpoints in epoch order. */
  checkpoints: ExternalCheckpoint[];
  /** results.csv rows ([] without one). */
  rows: EpochRow[];
  names: string[];
  /** The run's train.py options as saved in the checkpoint (opt), or null. */
  opt: Record<string, Plain> | null;
  /** opt.hyp as a checked Hyp (unknown keys left out, with a warning), or null. */
  hyp: Hyp | null;
  /** The model's yaml file name and width / depth multiples, to name the architecture. */
  model: { yamlFile: string | null; depthMultiple: number | null; widthMultiple: number | null };
  /** Files that are neither a checkpoint nor results.csv (plots, yaml...), left out. */
  ignored: string[];
  warnings: string[];
}

const baseName = (p: string): string => p.replace(/^.*[\\/]/, '');

/** best.pt, last.pt, epochN.pt (upstream's save_period); names such as run3_best.pt count too. */
function kindOf(name: string): ExternalKind | null {
  const stem = baseName(name).replace(/\.pt$/i, '').toLowerCase();
  if (/^epoch\d+$/.test(stem)) return 'epoch';
  if (stem.includes('best')) return 'best';
  if (stem.includes('last')) return 'last';
  return null;
}

const ORDER: Record<ExternalKind, number> = { last: 0, best: 1, epoch: 2 };

function classify(ck: Checkpoint, name: string, bytes: Uint8Array, taken: Set<string>): ExternalCheckpoint {
  if (ck.kind === 'state_dict' || !(ck.model ?? ck.ema)?.yaml) {
    throw new ExternalRunError('not_a_run_checkpoint', 'a bare state_dict without the model and its class names: not a train.py checkpoint', { file: name });
  }
  const stripped = ck.kind === 'stripped';
  const epoch = stripped ? -1 : (ck.epoch ?? -1);
  // A renamed file: a final (stripped) model is a best.pt, a mid-run one a last.pt, unless that one is dropped too.
  const kind = kindOf(name) ?? (stripped ? (taken.has('best') ? 'last' : 'best') : taken.has('last') ? 'best' : 'last');
  const id = kind === 'epoch' ? `epoch-${epoch}` : kind;
  if (taken.has(id)) throw new ExternalRunError('duplicate_checkpoint', `a second ${kind === 'epoch' ? id : `${kind}.pt`} was dropped`, { file: name });
  taken.add(id);
  if (kind === 'epoch' && epoch < 0) {
    throw new ExternalRunError('not_a_run_checkpoint', `${baseName(name)} is stripped (epoch -1): an epoch checkpoint keeps its epoch`, { file: name });
  }
  return {
    kind, fileName: baseName(name), bytes, epoch, stripped,
    resumable: kind === 'last' && !stripped && ck.optimizer !== null && epoch >= 0,
    bestFitness: ck.best_fitness, date: ck.date,
  };
}

function modelOf(ck: Checkpoint): ModelInfo {
  return (ck.model ?? ck.ema)!;
}

/** Reads and checks the dropped files of one run. Throws ExternalRunError / CheckpointError / ResultsCsvError. */
export function readExternalRun(files: ExternalFile[]): ExternalRun {
  const warnings: string[] = [];
  const ignored: string[] = [];
  const pts = files.filter((f) => /\.pt$/i.test(f.name));
  const csvs = files.filter((f) => baseName(f.name).toLowerCase() === 'results.csv');
  for (const f of files) if (!pts.includes(f) && !csvs.includes(f)) ignored.push(f.name);
  if (!pts.length) throw new ExternalRunError('no_checkpoint', 'no .pt among the dropped files: drop the run\'s weights/best.pt and/or last.pt (and results.csv)');
  if (csvs.length > 1) throw new ExternalRunError('duplicate_checkpoint', `${csvs.length} results.csv files were dropped: drop one run at a time`, { file: csvs[1].name });

  // Named files first, so a renamed one takes the kind that is left.
  const read = pts
    .map((f) => ({ f, ck: readCheckpoint(f.bytes, f.name) }))
    .sort((a, b) => Number(kindOf(a.f.name) === null) - Number(kindOf(b.f.name) === null));
  const taken = new Set<string>();
  const checkpoints: ExternalCheckpoint[] = [];
  for (const { f, ck } of read) {
    assertSupportedModel(ck);
    checkpoints.push(classify(ck, f.name, f.bytes, taken));
  }
  const first = read[0];
  const names = modelOf(first.ck).names;
  for (const { f, ck } of read.slice(1)) {
    const other = modelOf(ck).names;
    if (other.length !== names.length || other.some((n, i) => n !== names[i])) {
      throw new ExternalRunError(
        'mismatched_checkpoints',
        `its classes (${other.join(', ')}) differ from ${first.f.name}'s (${names.join(', ')}): these files are not from one run`,
        { file: f.name },
      );
    }
  }
  checkpoints.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.epoch - b.epoch);

  const withOpt = [...read].sort((a, b) => Number(kindOf(b.f.name) === 'last') - Number(kindOf(a.f.name) === 'last')).find((r) => r.ck.opt);
  const opt = withOpt?.ck.opt ?? null;
  if (!opt) warnings.push('the checkpoints carry no train options (opt): the run\'s settings are unknown');
  const hyp = opt ? hypOf(opt.hyp, withOpt!.f.name, warnings) : null;

  const rows = csvs.length ? readResultsCsv(new TextDecoder().decode(csvs[0].bytes), csvs[0].name) : [];
  if (!csvs.length) warnings.push('no results.csv: the run has no per-epoch metrics to chart');
  const last = checkpoints.find((c) => c.kind === 'last' && !c.stripped);
  if (last && rows.length && rows[rows.length - 1].epoch < last.epoch) {
    warnings.push(`results.csv ends at epoch ${rows[rows.length - 1].epoch} but ${last.fileName} was saved after epoch ${last.epoch}`);
  }
  const yaml = modelOf(first.ck).yaml!;
  return {
    checkpoints, rows, names, opt, hyp, ignored, warnings,
    model: { yamlFile: modelOf(first.ck).yamlFile, depthMultiple: numberOr(yaml.depth_multiple), widthMultiple: numberOr(yaml.width_multiple) },
  };
}

function numberOr(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** opt.hyp as a Hyp: keys upstream hyp files do not have (label_smoothing in some versions) are dropped, with a warning. */
function hypOf(raw: Plain | undefined, file: string, warnings: string[]): Hyp | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    warnings.push(`${file}: opt.hyp is missing: the run's hyperparameters are unknown`);
    return null;
  }
  const known = new Set<string>(HYP_KEYS);
  const extra = Object.keys(raw).filter((k) => !known.has(k));
  if (extra.length) warnings.push(`${file}: opt.hyp keys ${extra.join(', ')} are not hyperparameters the studio knows; left out`);
  const picked = Object.fromEntries(Object.entries(raw).filter(([k]) => known.has(k)));
  try {
    return validateHyp(picked, `${file}: opt.hyp`);
  } catch (err) {
    warnings.push((err as Error).message);
    return null;
  }
}
