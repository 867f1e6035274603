// The studio's train options as upstream train.py takes them: its command-line flags, and the opt.yaml it saves
// (yaml.safe_dump(vars(opt)), parse_opt's order, opt.hyp holding the loaded hyp dict by the time it is saved).
import { writeHypYaml } from '../config/hypYaml';
import type { Hyp } from '../config/hyps';
import { TRAIN_DEFAULTS, type TrainOptions } from '../config/trainOptions';
import { asFloat, indentBlock, yamlScalar, type YamlFloat, type YamlScalar } from './pyyaml';

/** The files train.py is pointed at, as paths relative to the yolov5 folder ('' for none). */
export interface TrainPaths {
  data: string;
  hyp: string;
  weights: string;
  cfg: string;
}

/** What one command line changes from the single-GPU run: DDP's devices and SyncBatchNorm. */
export interface DeviceSettings {
  device: string;
  sync_bn: boolean;
}

export const SINGLE_GPU: DeviceSettings = { device: '', sync_bn: false };

/** Shell word: as is when it is safe, else single-quoted ('' for the empty string). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./,:=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * train.py's arguments for these options: the files, image size, batch and epochs always, then every other option
 * that differs from parse_opt's default, in parse_opt's order.
 */
export function trainArgs(o: TrainOptions, paths: TrainPaths, dev: DeviceSettings = SINGLE_GPU): string[] {
  const d = TRAIN_DEFAULTS;
  const a: string[] = ['--data', paths.data, '--hyp', paths.hyp, '--weights', paths.weights];
  if (paths.cfg) a.push('--cfg', paths.cfg);
  a.push('--img', String(o.imgsz), '--batch-size', String(o.batch_size), '--epochs', String(o.epochs));
  const flag = (on: boolean, name: string) => on && a.push(name);
  flag(o.rect, '--rect');
  flag(o.nosave, '--nosave');
  flag(o.noval, '--noval');
  flag(o.noautoanchor, '--noautoanchor');
  if (o.evolve !== null) a.push('--evolve', String(o.evolve));
  if (o.cache !== null) a.push('--cache', o.cache);
  flag(o.image_weights, '--image-weights');
  if (dev.device) a.push('--device', dev.device);
  flag(o.multi_scale, '--multi-scale');
  flag(o.single_cls, '--single-cls');
  if (o.optimizer !== d.optimizer) a.push('--optimizer', o.optimizer);
  flag(dev.sync_bn, '--sync-bn');
  if (o.project !== d.project) a.push('--project', o.project);
  if (o.name !== d.name) a.push('--name', o.name);
  flag(o.exist_ok, '--exist-ok');
  flag(o.cos_lr, '--cos-lr');
  if (o.label_smoothing !== d.label_smoothing) a.push('--label-smoothing', String(o.label_smoothing));
  if (o.patience !== d.patience) a.push('--patience', String(o.patience));
  if (o.freeze.length !== 1 || o.freeze[0] !== 0) a.push('--freeze', ...o.freeze.map(String));
  if (o.save_period !== d.save_period) a.push('--save-period', String(o.save_period));
  if (o.seed !== d.seed) a.push('--seed', String(o.seed));
  return a;
}

/** The command line as one shell string. */
export function shellLine(words: string[]): string {
  return words.map(shellWord).join(' ');
}

type OptValue = YamlScalar | YamlFloat | number[] | Hyp;

/**
 * vars(opt) as train.py saves it for these options, in parse_opt's order: every upstream key, including those the
 * studio has no use for at their defaults (noplots, bucket, workers, quad, the logger keys), and save_dir.
 */
export function upstreamOpt(o: TrainOptions, hyp: Hyp, paths: TrainPaths, dev: DeviceSettings = SINGLE_GPU): [string, OptValue][] {
  return [
    ['weights', paths.weights],
    ['cfg', paths.cfg],
    ['data', paths.data],
    ['hyp', hyp],
    ['epochs', o.epochs],
    ['batch_size', o.batch_size],
    ['imgsz', o.imgsz],
    ['rect', o.rect],
    ['resume', false],
    ['nosave', o.nosave],
    ['noval', o.noval],
    ['noautoanchor', o.noautoanchor],
    ['noplots', false],
    ['evolve', o.evolve],
    ['bucket', ''],
    ['cache', o.cache],
    ['image_weights', o.image_weights],
    ['device', dev.device],
    ['multi_scale', o.multi_scale],
    ['single_cls', o.single_cls],
    ['optimizer', o.optimizer],
    ['sync_bn', dev.sync_bn],
    ['workers', 8],
    ['project', o.project],
    ['name', o.name],
    ['exist_ok', o.exist_ok],
    ['quad', false],
    ['cos_lr', o.cos_lr],
    ['label_smoothing', asFloat(o.label_smoothing)],
    ['patience', o.patience],
    ['freeze', [...o.freeze]],
    ['save_period', o.save_period],
    ['seed', o.seed],
    ['local_rank', -1],
    ['entity', null],
    ['upload_dataset', false],
    ['bbox_interval', -1],
    ['artifact_alias', 'latest'],
    // increment_path(project / name): exactly this for the first run of that name
    ['save_dir', `${o.project}/${o.name}`],
  ];
}

/** opt.yaml text: what train.py's yaml_save writes for upstreamOpt(...). */
export function optYamlText(entries: [string, OptValue][]): string {
  const out: string[] = [];
  for (const [k, v] of entries) {
    if (Array.isArray(v)) out.push(`${k}:`, ...v.map((x) => `- ${x}`));
    else if (v !== null && typeof v === 'object' && !('float' in v)) out.push(`${k}:`, indentBlock(writeHypYaml(v)).trimEnd());
    else out.push(`${k}: ${yamlScalar(v as YamlScalar | YamlFloat)}`);
  }
  return `${out.join('\n')}\n`;
}
