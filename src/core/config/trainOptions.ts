// Train options with upstream train.py's names and defaults (YOLOv5 v7.0 parse_opt), and their validation.
import { TrainOptionsError } from './errors';
import { isHypPresetName } from './hyps';

export const OPTIMIZERS = ['SGD', 'Adam', 'AdamW'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface TrainOptions {
  /** initial weights path ('' trains from scratch) */
  weights: string;
  /** model.yaml path or name ('' takes the architecture from the weights) */
  cfg: string;
  /** dataset.yaml path */
  data: string;
  /** hyperparameters: a hyp.yaml path or a preset name (scratch-low | scratch-med | scratch-high) */
  hyp: string;
  /** total training epochs */
  epochs: number;
  /** total batch size */
  batch_size: number;
  /** train, val image size (pixels); rounded up to a multiple of the max stride */
  imgsz: number;
  /** rectangular training */
  rect: boolean;
  /** resume most recent training (true) or from a given last.pt path */
  resume: boolean | string;
  /** only save final checkpoint */
  nosave: boolean;
  /** only validate final epoch */
  noval: boolean;
  /** disable AutoAnchor */
  noautoanchor: boolean;
  /** evolve hyperparameters for x generations (null: no evolution; the bare flag means 300) */
  evolve: number | null;
  /** image cache: 'ram' / 'disk', null for none */
  cache: 'ram' | 'disk' | null;
  /** use weighted image selection for training */
  image_weights: boolean;
  /** vary img-size +/- 50% */
  multi_scale: boolean;
  /** train multi-class data as single-class */
  single_cls: boolean;
  /** optimizer */
  optimizer: OptimizerName;
  /** cosine LR scheduler */
  cos_lr: boolean;
  /** label smoothing epsilon */
  label_smoothing: number;
  /** EarlyStopping patience (epochs without improvement; 0 disables) */
  patience: number;
  /** freeze layers: [10] freezes the backbone (layers 0-9), [0, 1, 2] the first three; [0] freezes nothing */
  freeze: number[];
  /** save a checkpoint every x epochs (disabled if < 1) */
  save_period: number;
  /** global training seed */
  seed: number;
  /** save to project/name */
  project: string;
  /** save to project/name */
  name: string;
  /** existing project/name ok, do not increment */
  exist_ok: boolean;
}

/** parse_opt's defaults. `weights` is upstream's (a download there; here a file the user must provide). */
export const TRAIN_DEFAULTS: Readonly<TrainOptions> = Object.freeze({
  weights: 'yolov5s.pt',
  cfg: '',
  data: 'data/coco128.yaml',
  hyp: 'scratch-low',
  epochs: 100,
  batch_size: 16,
  imgsz: 640,
  rect: false,
  resume: false,
  nosave: false,
  noval: false,
  noautoanchor: false,
  evolve: null,
  cache: null,
  image_weights: false,
  multi_scale: false,
  single_cls: false,
  optimizer: 'SGD',
  cos_lr: false,
  label_smoothing: 0.0,
  patience: 100,
  freeze: [0],
  save_period: -1,
  seed: 0,
  project: 'runs/train',
  name: 'exp',
  exist_ok: false,
});

/** `--evolve` without a number, as upstream's nargs='?' const. */
export const EVOLVE_DEFAULT_GENERATIONS = 300;

export interface ValidateContext {
  /** the model's largest stride; the image size must be a multiple of max(maxStride, 32) (upstream's gs) */
  maxStride?: number;
  /** number of model layers (yaml rows), to check --freeze */
  layerCount?: number;
}

export interface ValidatedOptions {
  options: TrainOptions;
  /** e.g. upstream check_img_size's "WARNING ⚠️ --img-size 250 must be multiple of max stride 32, updating to 256" */
  warnings: string[];
}

const fail = (code: string, msg: string): never => {
  throw new TrainOptionsError(code, msg);
};

function int(key: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail('bad_option', `${key} must be an integer, got ${JSON.stringify(v)}`);
  if (v < min) return fail('bad_option', `${key} must be >= ${min}, got ${v}`);
  return v;
}

function bool(key: string, v: unknown): boolean {
  return typeof v === 'boolean' ? v : fail('bad_option', `${key} must be true or false, got ${JSON.stringify(v)}`);
}

function str(key: string, v: unknown): string {
  return typeof v === 'string' ? v : fail('bad_option', `${key} must be a string, got ${JSON.stringify(v)}`);
}

/** Upstream make_divisible + check_img_size: ceil to a multiple of gs, at least `floor` (gs * 2 in train.py). */
export function checkImgSize(imgsz: number, gs: number, floor = 0): { size: number; warning: string | null } {
  const size = Math.max(Math.ceil(imgsz / gs) * gs, floor);
  const warning = size === imgsz ? null : `WARNING ⚠️ --img-size ${imgsz} must be multiple of max stride ${gs}, updating to ${size}`;
  return { size, warning };
}

/**
 * Fills in defaults and checks every option; throws TrainOptionsError (code + the option's name) on the first bad
 * one. An image size that is not a multiple of the grid size is rounded up with a warning, as upstream does.
 */
export function validateTrainOptions(input: Partial<TrainOptions> & Record<string, unknown>, ctx: ValidateContext = {}): ValidatedOptions {
  for (const k of Object.keys(input)) {
    if (!(k in TRAIN_DEFAULTS)) fail('unknown_option', `unknown train option '${k}'`);
  }
  const o = { ...TRAIN_DEFAULTS, freeze: [...TRAIN_DEFAULTS.freeze], ...input } as Record<keyof TrainOptions, unknown>;
  const warnings: string[] = [];

  for (const k of ['weights', 'cfg', 'data', 'project', 'name'] as const) str(k, o[k]);
  for (const k of ['rect', 'nosave', 'noval', 'noautoanchor', 'image_weights', 'multi_scale', 'single_cls', 'cos_lr', 'exist_ok'] as const) bool(k, o[k]);
  const hyp = str('hyp', o.hyp);
  if (!hyp) fail('bad_option', `hyp must be a hyp.yaml path or a preset name (scratch-low, scratch-med, scratch-high)`);
  if (!isHypPresetName(hyp) && !/\.ya?ml$/i.test(hyp)) {
    fail('bad_option', `hyp '${hyp}' is neither a preset (scratch-low, scratch-med, scratch-high) nor a .yaml file`);
  }
  int('epochs', o.epochs, 1);
  // Upstream's -1 asks AutoBatch for a CUDA memory estimate; there is no such estimate here.
  int('batch_size', o.batch_size, 1);
  int('imgsz', o.imgsz, 1);
  if (typeof o.resume !== 'boolean' && typeof o.resume !== 'string') fail('bad_option', `resume must be true/false or a checkpoint path, got ${JSON.stringify(o.resume)}`);
  if (o.evolve !== null) int('evolve', o.evolve, 1);
  if (o.cache !== null && o.cache !== 'ram' && o.cache !== 'disk') fail('bad_option', `cache must be 'ram', 'disk' or null, got ${JSON.stringify(o.cache)}`);
  if (!(OPTIMIZERS as readonly unknown[]).includes(o.optimizer)) {
    fail('unknown_optimizer', `unknown optimizer ${JSON.stringify(o.optimizer)} (choose from ${OPTIMIZERS.join(', ')})`);
  }
  const ls = o.label_smoothing;
  if (typeof ls !== 'number' || !(ls >= 0 && ls < 1)) fail('bad_option', `label_smoothing must be in [0, 1), got ${JSON.stringify(ls)}`);
  int('patience', o.patience, 0);
  int('save_period', o.save_period, -Infinity);
  int('seed', o.seed, -Infinity);
  if (!Array.isArray(o.freeze) || o.freeze.length === 0) fail('bad_option', `freeze must be a non-empty list of layer indices, got ${JSON.stringify(o.freeze)}`);
  const freeze = o.freeze as unknown[];
  freeze.forEach((f, i) => int(`freeze[${i}]`, f, 0));
  if (ctx.layerCount !== undefined) checkFreeze(freeze as number[], ctx.layerCount);

  if (ctx.maxStride !== undefined) {
    const gs = Math.max(Math.trunc(ctx.maxStride), 32);
    const { size, warning } = checkImgSize(o.imgsz as number, gs, gs * 2);
    if (warning) warnings.push(warning);
    o.imgsz = size;
  }
  return { options: o as unknown as TrainOptions, warnings };
}

/**
 * train.py freezes `model.{x}.` for x in freeze if it lists several layers, else range(freeze[0]). A layer index
 * past the model's last layer freezes nothing there, which is surely a mistake: say so.
 */
export function frozenLayerPrefixes(freeze: number[]): string[] {
  const layers = freeze.length > 1 ? freeze : Array.from({ length: freeze[0] }, (_, i) => i);
  return layers.map((x) => `model.${x}.`);
}

function checkFreeze(freeze: number[], layerCount: number): void {
  if (freeze.length > 1) {
    const bad = freeze.find((x) => x >= layerCount);
    if (bad !== undefined) fail('freeze_out_of_range', `freeze lists layer ${bad} but the model has layers 0-${layerCount - 1}`);
  } else if (freeze[0] > layerCount) {
    fail('freeze_out_of_range', `freeze ${freeze[0]} asks for the first ${freeze[0]} layers but the model has ${layerCount}`);
  }
}
