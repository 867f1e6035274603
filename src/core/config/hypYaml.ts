// hyp.yaml text <-> Hyp. Reading checks every key and value and names file:line on failure; writing gives what
// upstream's yaml_save(hyp.yaml) writes (yaml.safe_dump, sort_keys=False), optionally with the presets' comments.
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import { HypError } from './errors';
import { HYP_COMMENTS, HYP_KEYS, HYP_PRESET_NAMES, REQUIRED_HYP_KEYS, hypPreset, isHypPresetName, pyRepr, type Hyp, type HypKey } from './hyps';

interface Rule {
  min?: number;
  max?: number;
  /** min itself is not allowed */
  minOpen?: boolean;
  /** max itself is not allowed */
  maxOpen?: boolean;
}

const nonNeg: Rule = { min: 0 };
const positive: Rule = { min: 0, minOpen: true };
const unit: Rule = { min: 0, max: 1 };
const beta: Rule = { min: 0, max: 1, maxOpen: true };

/** What each value must be for training to make sense (wider than the evolve limits, which only bound mutation). */
const RULES: Record<HypKey, Rule> = {
  lr0: positive,
  lrf: positive,
  momentum: beta,
  weight_decay: nonNeg,
  warmup_epochs: nonNeg,
  warmup_momentum: beta,
  warmup_bias_lr: nonNeg,
  box: nonNeg,
  cls: nonNeg,
  cls_pw: positive,
  obj: nonNeg,
  obj_pw: positive,
  iou_t: unit,
  // The loss matches a label to an anchor when max(r, 1/r) < anchor_t: below 1 nothing ever matches.
  anchor_t: { min: 1 },
  // Evolution mutates it into a float; the model rounds it.
  anchors: nonNeg,
  fl_gamma: nonNeg,
  hsv_h: unit,
  hsv_s: unit,
  hsv_v: unit,
  degrees: nonNeg,
  translate: unit,
  // random_perspective draws the scale from [1 - scale, 1 + scale]: it must stay above 0.
  scale: { min: 0, max: 1, maxOpen: true },
  shear: nonNeg,
  perspective: nonNeg,
  flipud: unit,
  fliplr: unit,
  mosaic: unit,
  mixup: unit,
  copy_paste: unit,
};

function describe(r: Rule): string {
  const lo = r.min === undefined ? '' : `${r.minOpen ? '>' : '>='} ${r.min}`;
  const hi = r.max === undefined ? '' : `${r.maxOpen ? '<' : '<='} ${r.max}`;
  return [lo, hi].filter(Boolean).join(' and ');
}

/** Why `v` is not a valid value for `key`, or null when it is. */
export function hypValueProblem(key: HypKey, v: unknown): string | null {
  if (typeof v !== 'number') return `must be a number, got ${JSON.stringify(v)}`;
  if (!Number.isFinite(v)) return `must be finite, got ${v}`;
  const r = RULES[key];
  const tooLow = r.min !== undefined && (r.minOpen ? v <= r.min : v < r.min);
  const tooHigh = r.max !== undefined && (r.maxOpen ? v >= r.max : v > r.max);
  return tooLow || tooHigh ? `must be ${describe(r)}, got ${v}` : null;
}

const KNOWN = new Set<string>(HYP_KEYS);

/** Checks a hyp object (e.g. from a checkpoint's opt.hyp or the UI); throws HypError naming the key. */
export function validateHyp(hyp: Record<string, unknown>, file = 'hyp'): Hyp {
  for (const k of Object.keys(hyp)) {
    if (!KNOWN.has(k)) throw new HypError('unknown_key', `unknown hyperparameter '${k}' (known: ${HYP_KEYS.join(', ')})`, { file });
  }
  for (const k of REQUIRED_HYP_KEYS) {
    if (!(k in hyp)) throw new HypError('missing_key', `missing hyperparameter '${k}'`, { file });
  }
  for (const k of HYP_KEYS) {
    if (!(k in hyp)) continue;
    const problem = hypValueProblem(k, hyp[k]);
    if (problem) throw new HypError('bad_value', `hyperparameter '${k}' ${problem}`, { file });
  }
  return orderHyp(hyp as unknown as Hyp);
}

/** A copy with keys in the yaml files' order. */
function orderHyp(hyp: Hyp): Hyp {
  const out: Partial<Hyp> = {};
  for (const k of HYP_KEYS) if (hyp[k] !== undefined) out[k] = hyp[k];
  return out as Hyp;
}

/** Parses hyp.yaml text; every problem is a HypError naming `file` and the line. */
export function parseHypYaml(text: string, file = 'hyp.yaml'): Hyp {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const what = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new HypError('yaml_syntax', `invalid YAML: ${what}`, { file, line: e.linePos?.[0].line });
  }
  const root = doc.contents;
  if (!isMap(root)) {
    throw new HypError('not_a_mapping', 'a hyp file must be a mapping of "key: value" lines', { file, line: root?.range ? lines.linePos(root.range[0]).line : undefined });
  }
  const hyp: Record<string, number> = {};
  for (const pair of root.items) {
    const keyNode = pair.key;
    const line = isScalar(keyNode) && keyNode.range ? lines.linePos(keyNode.range[0]).line : undefined;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    if (!KNOWN.has(key)) throw new HypError('unknown_key', `unknown hyperparameter '${key}'`, { file, line });
    const value = isScalar(pair.value) ? pair.value.value : pair.value === null ? null : (pair.value as { toJSON(): unknown }).toJSON();
    const problem = hypValueProblem(key as HypKey, value);
    if (problem) throw new HypError('bad_value', `hyperparameter '${key}' ${problem}`, { file, line });
    hyp[key] = value as number;
  }
  for (const k of REQUIRED_HYP_KEYS) {
    if (!(k in hyp)) throw new HypError('missing_key', `missing hyperparameter '${k}'`, { file });
  }
  return orderHyp(hyp as unknown as Hyp);
}

/**
 * hyp.yaml text: one `key: value` line per key in the yaml files' order, floats as PyYAML writes them (3.0,
 * 0.0005, 1.0e-05). Without comments it is byte-identical to upstream's yaml_save of the same dict.
 */
export function writeHypYaml(hyp: Hyp, { comments = false } = {}): string {
  const out: string[] = [];
  for (const k of HYP_KEYS) {
    const v = hyp[k];
    if (v === undefined) continue;
    const value = yamlNumber(k, v);
    out.push(comments ? `${k}: ${value}  # ${HYP_COMMENTS[k]}` : `${k}: ${value}`);
  }
  return out.join('\n') + '\n';
}

/** PyYAML's float form: repr(), with '.0' inserted before an exponent that has no '.'. */
function yamlNumber(key: HypKey, v: number): string {
  if (key === 'anchors' && Number.isInteger(v)) return String(v);
  const s = pyRepr(key === 'anchors' ? 'lr0' : key, v);
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  return !s.includes('.') && s.includes('e') ? s.replace('e', '.0e') : s;
}

/**
 * The --hyp option as a Hyp: a preset name, or a yaml path read through `readText` (core stays free of file I/O;
 * the CLI passes fs.readFileSync, the worker a storage lookup).
 */
export function resolveHyp(hyp: string, readText?: (path: string) => string): Hyp {
  if (isHypPresetName(hyp)) return hypPreset(hyp);
  if (!/\.ya?ml$/i.test(hyp)) {
    throw new HypError('unknown_preset', `'${hyp}' is neither a hyp preset (${HYP_PRESET_NAMES.join(', ')}) nor a .yaml file`);
  }
  if (!readText) throw new HypError('unknown_preset', `hyp file '${hyp}' given but no way to read files here`, { file: hyp });
  return parseHypYaml(readText(hyp), hyp);
}
