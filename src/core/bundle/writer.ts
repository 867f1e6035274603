// The cluster bundle: a zip that upstream YOLOv5 v7.0 trains from as it is, written as a stream of chunks. Images
// are pulled from the source one at a time, only when the consumer asks for more, and handed on without a copy, so a
// dataset far larger than memory goes through holding one image at a time (plus the zip's central directory).
//
//   datasets/<dir>/data.yaml                 path: ../datasets/<dir>, train/val/test, nc, names
//   datasets/<dir>/images/{train,val,test}/  the verified images, original bytes
//   datasets/<dir>/labels/{train,val,test}/  YOLO txt of the verified rows
//   <run>/README.md, hyp.yaml, opt.yaml      the commands, upstream's hyp and opt files
//   <run>/<weights>.pt, <run>/<cfg>.yaml     starting weights / model config, when there are
import type { Hyp } from '../config/hyps';
import { writeHypYaml } from '../config/hypYaml';
import type { TrainOptions } from '../config/trainOptions';
import { MODEL_NAMES } from '../model/configs';
import { BundleError } from './errors';
import { dataYamlText, datasetDirName, labelText, safeSegment, SplitNames } from './layout';
import { readmeText } from './readme';
import { optYamlText, trainArgs, upstreamOpt, type TrainPaths } from './upstreamOpt';
import { ZipStreamWriter } from './zipWriter';

export type BundleSplit = 'train' | 'val' | 'test';
const SPLITS: readonly BundleSplit[] = ['train', 'val', 'test'];

/** One verified image: where it came from, its labels, and its original bytes on demand. */
export interface BundleImage {
  path: string;
  /** (n, 5) rows [cls, cx, cy, w, h], normalized, as verified. */
  labels: ArrayLike<number>;
  /** MIME type, used when the file name has no image extension. */
  type?: string;
  bytes(): Promise<Uint8Array>;
}

export interface BundleDataset {
  name: string;
  names: string[];
  splits: { train: BundleImage[]; val: BundleImage[]; test?: BundleImage[] };
}

export interface BundleInput {
  dataset: BundleDataset;
  hyp: Hyp;
  /** Validated train options (upstream names). `cfg` is a built-in model name, or the name of `cfgFile`. */
  options: TrainOptions;
  /** Starting weights, shipped in the zip; required when options.weights names a file. */
  weights?: { fileName: string; bytes: Uint8Array | (() => Promise<Uint8Array>) };
  /** A model yaml of the user's own, shipped in the zip. */
  cfgFile?: { fileName: string; text: string };
  /** GPUs per machine for the multi-GPU commands (default 2) and machines (default 1: the README explains N). */
  gpus?: number;
  nodes?: number;
  /** File name the zip will be saved as, for the unpack command (default '<run>.zip'). */
  zipName?: string;
  /** Folder of README/hyp/opt/weights in the zip (default from the zip name). */
  runDir?: string;
  mtime?: Date;
  /** Called after each image is written. */
  onProgress?: (done: number, total: number) => void;
}

export interface BundlePlan {
  datasetDir: string;
  runDir: string;
  zipName: string;
  paths: TrainPaths;
  /** train.py arguments of the single-GPU and the multi-GPU runs. */
  single: string[];
  ddp: string[];
  texts: { readme: string; hyp: string; opt: string; dataYaml: string };
  images: number;
}

const text = new TextEncoder();

/** The model config as train.py's --cfg: 'models/yolov5n.yaml' for a built-in, the shipped file for a custom one. */
function cfgPath(input: BundleInput, runDir: string): { cfg: string; cfgFile: string | null } {
  if (input.cfgFile) {
    const name = safeSegment(input.cfgFile.fileName.replace(/^.*[\\/]/, ''), 'model.yaml');
    return { cfg: `../${runDir}/${name}`, cfgFile: name };
  }
  const c = input.options.cfg;
  if (!c) return { cfg: '', cfgFile: null };
  const stem = c.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  if ((MODEL_NAMES as string[]).includes(stem) && !/[\\/]/.test(c.replace(/^models\//, ''))) return { cfg: `models/${stem}.yaml`, cfgFile: null };
  throw new BundleError('cfg_unknown', `model config '${c}' is not built in (${MODEL_NAMES.join(', ')}); pass the yaml itself to ship it`, { file: c });
}

/** Checks the input and works out every name, path, command and small file of the bundle (no image is read). */
export function planBundle(input: BundleInput): BundlePlan {
  const { dataset: ds, options: o } = input;
  const gpus = input.gpus ?? 2;
  const nodes = input.nodes ?? 1;
  for (const [k, v] of [['gpus', gpus], ['nodes', nodes]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new BundleError('bad_gpus', `${k} must be an integer >= 1, got ${v}`);
  }
  // upstream refuses these under DDP (train.py main); the README then offers the one-GPU command only
  const blocked = [o.image_weights && '--image-weights', o.evolve !== null && '--evolve'].filter(Boolean).join(' or ');
  if (!blocked && o.batch_size % (gpus * nodes) !== 0) {
    throw new BundleError(
      'batch_not_divisible',
      `batch size ${o.batch_size} must be a multiple of the ${gpus * nodes} GPUs (${nodes} machine(s) x ${gpus}): upstream splits the total batch evenly over them`,
    );
  }
  for (const split of ['train', 'val'] as const) {
    if (!ds.splits[split].length) throw new BundleError('empty_split', `dataset "${ds.name}" has no ${split} images: upstream needs both train and val`);
  }
  const datasetDir = datasetDirName(ds.name);
  const zipName = safeSegment(input.zipName ?? `${datasetDir}-yolov5.zip`, 'bundle.zip');
  const runDir = safeSegment(input.runDir ?? zipName.replace(/\.zip$/i, ''), 'run');
  if (runDir === 'datasets') throw new BundleError('bad_name', `the run folder may not be called 'datasets'`);
  if (o.weights && !input.weights) throw new BundleError('weights_missing', `options name weights '${o.weights}' but no weights file was given to ship`, { file: o.weights });
  const weightsFile = input.weights ? safeSegment(input.weights.fileName.replace(/^.*[\\/]/, ''), 'weights.pt') : null;
  const { cfg, cfgFile } = cfgPath(input, runDir);
  // upstream: "either --cfg or --weights must be specified"
  if (!cfg && !weightsFile) throw new BundleError('no_model', 'neither starting weights nor a model config (cfg): upstream needs one of them');

  const paths: TrainPaths = {
    data: `../datasets/${datasetDir}/data.yaml`,
    hyp: `../${runDir}/hyp.yaml`,
    weights: weightsFile ? `../${runDir}/${weightsFile}` : '',
    cfg,
  };
  const ddpDevices = { device: Array.from({ length: gpus }, (_, i) => i).join(','), sync_bn: true };
  const single = trainArgs(o, paths);
  const ddp = trainArgs(o, paths, ddpDevices);
  const counts = { train: ds.splits.train.length, val: ds.splits.val.length, test: ds.splits.test?.length ?? 0 };
  const readme = readmeText({
    zipName, runDir, datasetDir, title: ds.name, counts, nc: ds.names.length, weightsFile, cfgFile, single, ddp, gpus, nodes,
    batchSize: o.batch_size, ddpBlocked: blocked || null, saveDir: `${o.project}/${o.name}`,
  });
  return {
    datasetDir, runDir, zipName, paths, single, ddp,
    texts: {
      readme,
      hyp: writeHypYaml(input.hyp),
      opt: optYamlText(upstreamOpt(o, input.hyp, paths)),
      dataYaml: dataYamlText({ dir: datasetDir, names: ds.names, hasTest: counts.test > 0, counts, title: ds.name }),
    },
    images: counts.train + counts.val + counts.test,
  };
}

/**
 * The bundle as zip chunks. Pull them one by one (for await) and write each where it goes (a file, a download
 * stream) before pulling the next: the next image is only read when the previous chunks have been taken.
 */
export async function* writeBundle(input: BundleInput): AsyncGenerator<Uint8Array> {
  const plan = planBundle(input);
  const zip = new ZipStreamWriter({ mtime: input.mtime });
  const run = plan.runDir;
  yield* zip.add(`${run}/README.md`, text.encode(plan.texts.readme));
  yield* zip.add(`${run}/hyp.yaml`, text.encode(plan.texts.hyp));
  yield* zip.add(`${run}/opt.yaml`, text.encode(plan.texts.opt));
  if (input.cfgFile) yield* zip.add(plan.paths.cfg.slice(3), text.encode(input.cfgFile.text));
  if (input.weights) {
    const w = input.weights.bytes;
    yield* zip.add(plan.paths.weights.slice(3), typeof w === 'function' ? await w() : w);
  }
  const root = `datasets/${plan.datasetDir}`;
  yield* zip.add(`${root}/data.yaml`, text.encode(plan.texts.dataYaml));
  let done = 0;
  for (const split of SPLITS) {
    const names = new SplitNames();
    for (const img of input.dataset.splits[split] ?? []) {
      const { image, label } = names.next(img.path, img.type);
      const labels = text.encode(labelText(img.labels, img.path));
      let bytes: Uint8Array;
      try {
        bytes = await img.bytes();
      } catch (err) {
        throw new BundleError('image_unreadable', `cannot read the image: ${(err as Error).message}`, { file: img.path });
      }
      yield* zip.add(`${root}/images/${split}/${image}`, bytes);
      yield* zip.add(`${root}/labels/${split}/${label}`, labels);
      input.onProgress?.(++done, plan.images);
    }
  }
  yield* zip.finish();
}
