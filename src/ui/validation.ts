// Why the current settings cannot train (errors) or may surprise (warnings), in words a newcomer can act on. Pure:
// the options panel shows them inline and the Train button is disabled while an error remains.
import { hypValueProblem } from '../core/config/hypYaml';
import { HYP_KEYS, type Hyp } from '../core/config/hyps';
import { checkImgSize, validateTrainOptions } from '../core/config/trainOptions';
import type { StudioOptions } from '../protocol/messages';
import type { DatasetSummary } from '../storage';

export interface SettingProblem {
  /** The option or hyp key the problem is about ('dataset' for the dataset choice). */
  key: string;
  level: 'error' | 'warning';
  text: string;
}

export function settingProblems(options: StudioOptions, hyp: Hyp, dataset: DatasetSummary | undefined, fromWeights: boolean): SettingProblem[] {
  const out: SettingProblem[] = [];
  const err = (key: string, text: string) => out.push({ key, level: 'error', text });
  const warn = (key: string, text: string) => out.push({ key, level: 'warning', text });

  if (!dataset) err('dataset', 'Choose a dataset (or add the sample one) in step 1.');
  else {
    if (dataset.images.train === 0) err('dataset', `"${dataset.name}" has no train images.`);
    if (dataset.images.val === 0) err('dataset', `"${dataset.name}" has no val images: mAP cannot be measured.`);
    if (Number.isInteger(options.batch_size) && options.batch_size > dataset.images.train) {
      err('batch_size', `Batch size ${options.batch_size} is larger than the ${dataset.images.train} train images: lower it to at most ${dataset.images.train}.`);
    }
  }
  try {
    validateTrainOptions({ ...options });
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const key = Object.keys(options).find((k) => text.startsWith(k)) ?? 'options';
    err(key, text.charAt(0).toUpperCase() + text.slice(1) + '.');
  }
  if (Number.isInteger(options.imgsz) && options.imgsz > 0) {
    const { size } = checkImgSize(options.imgsz, 32, 64);
    if (size !== options.imgsz) warn('imgsz', `Image size must be a multiple of 32 and at least 64: ${options.imgsz} will be trained as ${size}.`);
    if (options.imgsz > 640) warn('imgsz', 'Sizes above 640 are very slow in a browser.');
  }
  for (const k of HYP_KEYS) {
    if (hyp[k] === undefined) continue;
    const problem = hypValueProblem(k, hyp[k]);
    if (problem) err(k, `Hyperparameter ${k} ${problem}.`);
  }
  if (options.rect) warn('rect', 'Rectangular training does not shuffle the images and turns mosaic off, as upstream does.');
  if (options.noval) warn('noval', 'With "validate only the last epoch" the mAP chart gets a single point at the end.');
  if (options.freeze.length === 1 && options.freeze[0] > 0 && !fromWeights) {
    warn('freeze', 'Freezing layers of a model trained from scratch keeps them random: start from a .pt or freeze nothing.');
  }
  if (options.optimizer !== 'SGD' && hyp.lr0 > 0.005) {
    warn('optimizer', `lr0 ${hyp.lr0} is an SGD learning rate; Adam and AdamW usually want about 0.001.`);
  }
  return out;
}

/**
 * How the run will step, in words: batches per epoch, how often the weights update (upstream accumulates gradients
 * up to a nominal batch of 64 images), warmup length. It explains why a small dataset from scratch learns slowly.
 */
export function runShape(options: StudioOptions, hyp: Hyp, trainImages: number | undefined): string | null {
  const bs = options.batch_size;
  if (!trainImages || !Number.isInteger(bs) || bs < 1 || bs > trainImages || !(hyp.warmup_epochs >= 0)) return null;
  const nb = Math.ceil(trainImages / bs);
  const accumulate = Math.max(Math.round(64 / bs), 1);
  const warmup = Math.max(Math.round(hyp.warmup_epochs * nb), 100);
  const updates = nb / accumulate;
  const per = updates >= 1 ? `about ${Math.round(updates)} update${Math.round(updates) === 1 ? '' : 's'} per epoch` : `one update every ${Math.round(1 / updates)} epochs`;
  let text =
    `${nb} batch${nb === 1 ? '' : 'es'} per epoch. Warmup lasts ${warmup} batches (${(warmup / nb).toFixed(1)} epochs); after it the weights ` +
    `update once per ${accumulate * bs} images (upstream's nominal batch of 64), ${per}.`;
  if (updates < 2) {
    text += ' So few updates mean mAP stays near 0 for many epochs (tens to hundreds): expected on a small dataset, not a bug.';
  }
  return text;
}
