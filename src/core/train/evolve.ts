// Hyperparameter evolution as upstream YOLOv5 v7.0 train.py --evolve: pick a parent from the best rows of
// evolve.csv, mutate it with the meta gains, clip to the meta limits, round; and the files it keeps (evolve.csv,
// hyp_evolve.yaml) byte for byte. Pure: the caller reads and writes the files and passes the random stream in.
//
// Upstream quirks kept on purpose:
// - The column order is the hyp dict's: the yaml's keys, then 'anchors' appended (the presets have it commented
//   out, so train.py adds `anchors: 3`). --noautoanchor drops 'anchors' from both hyp and meta.
// - "round(hyp[k], 5)  # significant digits" rounds to 5 *decimal places*; the 5 significant digits come from
//   evolve.csv's '%20.5g', which is what the next generation's parents are read back from.
// - Every key goes through x[i + 7] * v[i], gain-0 keys with v = 1, so they keep the parent's (csv-rounded) value.
// - An anchor count in hyp replaces the model's anchors with placeholders [0, 1, 2, ...] per level, which
//   AutoAnchor then replaces with k-means anchors (see anchorCountConfig).
import { EVOLVE_META } from '../config/evolveMeta';
import { HYP_KEYS, pyFloatRepr, pyRepr, type Hyp, type HypKey } from '../config/hyps';
import { YoloError } from '../errors';
import { fitness } from '../metrics';
import { npArgsort } from '../metrics/npArgsort';
import type { ModelConfig } from '../model';
import { formatG } from '../pyformat';
import type { Rng } from '../rng';

/** Bad evolve.csv content or an evolution that cannot run. Codes: evolve_csv_header, evolve_csv_row, no_gain, anchor_count. */
export class EvolveError extends YoloError {}

/** The 7 results columns print_mutation writes before the hyperparameters. */
export const EVOLVE_RESULT_KEYS = [
  'metrics/precision', 'metrics/recall', 'metrics/mAP_0.5', 'metrics/mAP_0.5:0.95', 'val/box_loss', 'val/obj_loss',
  'val/cls_loss',
] as const;
const NR = EVOLVE_RESULT_KEYS.length;

/** Mutation probability and sigma (train.py's mp, s). */
export const MUTATION_PROB = 0.8;
export const MUTATION_SIGMA = 0.2;
/** How many of the best previous rows are candidate parents. */
export const PARENT_POOL = 5;

export type ParentMode = 'single' | 'weighted';

/** The 7 results of a generation: P, R, mAP50, mAP50-95 and the 3 val losses of its final epoch. */
export type EvolveResults = readonly [number, number, number, number, number, number, number];

export interface EvolveTable {
  /** Column names, stripped: the 7 results keys then the hyp keys. */
  keys: string[];
  /** One row per generation, as read back from the '%20.5g' text. */
  rows: number[][];
}

/** The hyp keys present in `hyp`, in the column order train.py's dict has: yaml order, 'anchors' last. */
export function evolveHypKeys(hyp: Hyp): HypKey[] {
  const keys = HYP_KEYS.filter((k) => k !== 'anchors' && hyp[k] !== undefined) as HypKey[];
  return hyp.anchors === undefined ? keys : [...keys, 'anchors'];
}

/** The starting hyp of an evolution: `anchors: 3` added when absent, removed under --noautoanchor. */
export function prepareEvolveHyp(hyp: Hyp, noautoanchor: boolean): Hyp {
  const out = { ...hyp };
  delete out.anchors;
  if (!noautoanchor) out.anchors = hyp.anchors ?? 3;
  return out;
}

/** Python's round(x, nd): the decimal nearest to x's exact binary value, exact ties to even. */
export function pyRound(x: number, nd: number): number {
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 1e15) return x;
  const a = Math.abs(x);
  // A dyadic a is a tie at nd decimals exactly when a * 2^(nd+1) is an odd integer (e.g. 0.015625 = 1/64 at 5).
  const t = a * 2 ** (nd + 1);
  let r: number;
  if (Number.isInteger(t) && t % 2 === 1) {
    const lower = (t * 5 ** nd - 1) / 2; // a * 10^nd = lower + 0.5
    r = Number(`${lower % 2 === 0 ? lower : lower + 1}e-${nd}`);
  } else {
    r = Number(a.toFixed(nd)); // toFixed rounds the exact value; only exact ties differ from Python
  }
  return x < 0 ? -r : r;
}

/** Clip every evolved key to its meta [lower, upper], then round(·, 5) as train.py. */
export function constrainHyp(hyp: Hyp): Hyp {
  const out = { ...hyp };
  for (const k of evolveHypKeys(hyp)) {
    const { lower, upper } = EVOLVE_META[k];
    out[k] = pyRound(Math.min(Math.max(hyp[k]!, lower), upper), 5);
  }
  return out;
}

/** Fitness of an evolve.csv row (its first 4 columns). */
export const rowFitness = (row: readonly number[]): number => fitness(row[0], row[1], row[2], row[3]);

/**
 * Parent selection over the top min(5, rows) rows by fitness, weighted by fitness - min + 1e-6. 'single' draws one
 * row as random.choices does (one uniform, bisect_right on the cumulative weights); 'weighted' averages them.
 */
export function selectParent(rows: readonly number[][], rng: Rng, mode: ParentMode = 'single'): number[] {
  if (!rows.length) throw new EvolveError('evolve_csv_row', 'no previous generations to select a parent from');
  const fit = rows.map(rowFitness);
  const n = Math.min(PARENT_POOL, rows.length);
  const order = npArgsort(fit.map((f) => -f)); // np.argsort(-fitness(x)): quicksort, NumPy's tie order
  const top = Array.from(order.subarray(0, n), (i) => rows[i]);
  const topFit = Array.from(order.subarray(0, n), (i) => fit[i]);
  const min = Math.min(...topFit);
  const w = topFit.map((f) => f - min + 1e-6);
  if (mode === 'single' || n === 1) {
    const cum: number[] = [];
    w.reduce((s, wi) => (cum.push(s + wi), s + wi), 0);
    const u = rng.next() * cum[n - 1];
    let i = 0;
    while (i < n - 1 && cum[i] <= u) i++; // bisect_right(cum, u, 0, n - 1)
    return [...top[i]];
  }
  const wsum = w.reduce((s, wi) => s + wi, 0);
  return top[0].map((_, c) => top.reduce((s, row, r) => s + row[c] * w[r], 0) / wsum);
}

/**
 * The mutation factors v, one per key: (g * (u < mp) * z * r * s + 1).clip(0.3, 3.0) with u ~ U(0,1)^ng,
 * z ~ N(0,1)^ng, r ~ U(0,1), drawn in that order and redrawn until some factor differs from 1.
 */
export function mutationFactors(gains: readonly number[], rng: Rng, mp = MUTATION_PROB, s = MUTATION_SIGMA): number[] {
  if (!gains.some((g) => g > 0)) throw new EvolveError('no_gain', 'every key has mutation gain 0: nothing can evolve');
  const ng = gains.length;
  let v = new Array<number>(ng).fill(1);
  while (v.every((x) => x === 1)) {
    const u = Array.from({ length: ng }, () => rng.next());
    const z = Array.from({ length: ng }, () => rng.normal());
    const r = rng.next();
    // Left to right as NumPy evaluates it, so the float products match.
    v = gains.map((g, i) => Math.min(Math.max(g * (u[i] < mp ? 1 : 0) * z[i] * r * s + 1, 0.3), 3.0));
  }
  return v;
}

/** Checks that evolve.csv's columns are this evolution's (upstream reads them by position: x[i + 7]). */
function checkColumns(table: EvolveTable, keys: readonly string[], file: string): void {
  const want = [...EVOLVE_RESULT_KEYS, ...keys];
  if (table.keys.join(',') !== want.join(',')) {
    throw new EvolveError('evolve_csv_header', `columns ${table.keys.join(', ')} do not match this evolution's ${want.join(', ')} (another --hyp or --noautoanchor?)`, { file, line: 1 });
  }
}

/**
 * One generation's hyperparameters. With no previous rows: the start hyp. Otherwise a parent from `table`,
 * mutated key by key. Either way clipped and rounded.
 */
export function nextGenerationHyp(start: Hyp, table: EvolveTable | null, rng: Rng, opts: { parent?: ParentMode; file?: string } = {}): Hyp {
  const keys = evolveHypKeys(start);
  if (!table || !table.rows.length) return constrainHyp(start);
  checkColumns(table, keys, opts.file ?? 'evolve.csv');
  const x = selectParent(table.rows, rng, opts.parent);
  const v = mutationFactors(keys.map((k) => EVOLVE_META[k].gain), rng);
  const hyp = { ...start };
  keys.forEach((k, i) => {
    hyp[k] = x[i + NR] * v[i];
  });
  return constrainHyp(hyp);
}

// --- evolve.csv --------------------------------------------------------------------------------------------------

const g5 = (x: number) => formatG(x, 5).padStart(20);

/** print_mutation's header: '%20s,' per key, the trailing comma stripped. */
export function evolveCsvHeader(hyp: Hyp): string {
  return [...EVOLVE_RESULT_KEYS, ...evolveHypKeys(hyp)].map((k) => k.padStart(20)).join(',');
}

/** print_mutation's row: '%20.5g,' per value (results, then hyp in column order). */
export function evolveCsvRow(results: EvolveResults, hyp: Hyp): string {
  return [...results, ...evolveHypKeys(hyp).map((k) => hyp[k]!)].map(g5).join(',');
}

/** Reads evolve.csv as np.loadtxt(skiprows=1, delimiter=',') would, naming file:line on a bad row. */
export function parseEvolveCsv(text: string, file = 'evolve.csv'): EvolveTable {
  const lines = text.split(/\r?\n/);
  const keys = (lines[0] ?? '').split(',').map((k) => k.trim());
  if (keys.length <= NR || EVOLVE_RESULT_KEYS.some((k, i) => keys[i] !== k)) {
    throw new EvolveError('evolve_csv_header', `the header must start with ${EVOLVE_RESULT_KEYS.join(', ')} followed by hyp keys`, { file, line: 1 });
  }
  const rows: number[][] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = lines[i].split(',');
    const row = cells.map((c) => (c.trim() === '' ? Number.NaN : Number(c)));
    if (cells.length !== keys.length || row.some((v) => !Number.isFinite(v))) {
      throw new EvolveError('evolve_csv_row', `expected ${keys.length} finite numbers, got '${lines[i].trim().slice(0, 80)}'`, { file, line: i + 1 });
    }
    rows.push(row);
  }
  return { keys, rows };
}

/** Index of the best row by fitness, the first one on ties (np.argmax). */
export function bestRow(table: EvolveTable): number {
  let best = 0;
  table.rows.forEach((r, i) => {
    if (rowFitness(r) > rowFitness(table.rows[best])) best = i;
  });
  return best;
}

/** PyYAML's float: repr(), with '.0' put before an exponent that has no '.' (1e-05 -> 1.0e-05). */
function yamlFloat(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  const s = pyFloatRepr(v);
  return !s.includes('.') && s.includes('e') ? s.replace('e', '.0e') : s;
}

/**
 * hyp_evolve.yaml as print_mutation writes it: a comment header (best and last generation, the best row's results)
 * and the best row's hyperparameters. The values come back from evolve.csv through pandas, so all are floats.
 */
export function hypEvolveYaml(table: EvolveTable): string {
  const i = bestRow(table);
  const row = table.rows[i];
  const head = [
    '# YOLOv5 Hyperparameter Evolution Results',
    `# Best generation: ${i}`,
    `# Last generation: ${table.rows.length - 1}`,
    `# ${table.keys.slice(0, NR).map((k) => k.padStart(20)).join(', ')}`,
    `# ${row.slice(0, NR).map(g5).join(', ')}`,
    '',
    '',
  ].join('\n');
  const body = table.keys.slice(NR).map((k, j) => `${k}: ${yamlFloat(row[NR + j])}\n`).join('');
  return head + body;
}

/** The "evolve: N generations finished, current result:" lines print_mutation logs (unrounded values). */
export function mutationSummary(generations: number, results: EvolveResults, hyp: Hyp): string {
  const keys = [...EVOLVE_RESULT_KEYS, ...evolveHypKeys(hyp)];
  const vals = [...results, ...evolveHypKeys(hyp).map((k) => hyp[k]!)];
  return `evolve: ${generations} generations finished, current result:\n`
    + `evolve: ${keys.map((k) => k.padStart(20)).join(', ')}\n`
    + `evolve: ${vals.map(g5).join(', ')}\n`;
}

/** train.py's "hyperparameters: ..." line in the evolution's key order (anchors last, as upstream's dict). */
export function evolveHypLog(hyp: Hyp): string {
  return `hyperparameters: ${evolveHypKeys(hyp).map((k) => `${k}=${pyRepr(k, hyp[k]!)}`).join(', ')}`;
}

// --- anchors -----------------------------------------------------------------------------------------------------

/**
 * Model(cfg, anchors=hyp['anchors']) as upstream: the yaml's anchors become round(n) placeholder pairs per Detect
 * level, [[0,1, 2,3, ..., 2n-2,2n-1], ...] in pixels, for AutoAnchor to replace with k-means anchors. Returned as an
 * explicit config (with the hyp minus 'anchors') so the model builder needs no notion of an anchor count.
 */
export function anchorCountConfig(cfg: ModelConfig, hyp: Hyp): { cfg: ModelConfig; hyp: Hyp } {
  if (hyp.anchors === undefined || hyp.anchors === 0) return { cfg, hyp };
  const na = pyRound(hyp.anchors, 0);
  const detect = cfg.head.find((row) => row[2] === 'Detect');
  const nl = detect && Array.isArray(detect[0]) ? detect[0].length : Array.isArray(cfg.anchors) ? cfg.anchors.length : 0;
  if (!nl || na < 1) throw new EvolveError('anchor_count', `cannot place ${hyp.anchors} anchors per level on this model (no Detect layer levels found)`);
  const level = Array.from({ length: na * 2 }, (_, i) => i);
  const rest = { ...hyp };
  delete rest.anchors;
  return { cfg: { ...cfg, anchors: Array.from({ length: nl }, () => [...level]) }, hyp: rest };
}
