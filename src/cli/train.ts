// `yolo-studio train`: upstream train.py's command line over core/train, writing runs/train/exp{N}/ as upstream.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { formatHypLog, type Hyp } from '../core/config/hyps';
import { resolveHyp, validateHyp, writeHypYaml } from '../core/config/hypYaml';
import { EVOLVE_DEFAULT_GENERATIONS, TRAIN_DEFAULTS, validateTrainOptions, type TrainOptions } from '../core/config/trainOptions';
import { mixSeed } from '../core/data/trainLoader';
import { YoloError } from '../core/errors';
import { readCheckpoint } from '../core/io';
import type { ModelConfig } from '../core/model';
import { createRng } from '../core/rng';
import { train } from '../core/train';
import {
  anchorCountConfig, evolveCsvHeader, evolveCsvRow, evolveHypLog, hypEvolveYaml, mutationSummary, nextGenerationHyp,
  parseEvolveCsv, prepareEvolveHyp, type EvolveResults,
} from '../core/train/evolve';
import { resultsHeader, resultsRow } from '../core/train/results';
import type { TrainEvent } from '../core/train/types';
import { formatValTable } from '../core/val';
import { modelConfigFromCheckpoint } from '../core/weights';
import { helpText, parseFlags, UsageError, type Flags, type FlagSpec } from './args';
import { BACKEND_FLAG, startBackend } from './backendFlag';
import { loadSplit } from './dataset';
import { decodeImage } from './image';
import { loadModelConfig } from './loadConfig';

export const FLAGS: FlagSpec = {
  weights: { type: 'string', default: '', help: "initial weights path ('' = from scratch)" },
  cfg: { type: 'string', default: '', help: 'model.yaml path or built-in name (yolov5n..x)' },
  data: { type: 'string', help: 'dataset.yaml path' },
  hyp: { type: 'string', default: TRAIN_DEFAULTS.hyp, help: 'hyperparameters: hyp.yaml path or scratch-low|scratch-med|scratch-high' },
  epochs: { type: 'int', default: TRAIN_DEFAULTS.epochs, help: 'total training epochs' },
  'batch-size': { type: 'int', default: TRAIN_DEFAULTS.batch_size, help: 'total batch size' },
  img: { type: 'int', default: TRAIN_DEFAULTS.imgsz, help: 'train, val image size (pixels)' },
  rect: { type: 'boolean', default: false, help: 'rectangular training' },
  resume: { type: 'string', help: 'resume from this last.pt (or "true": the most recent run)' },
  nosave: { type: 'boolean', default: false, help: 'only save final checkpoint' },
  noval: { type: 'boolean', default: false, help: 'only validate final epoch' },
  noautoanchor: { type: 'boolean', default: false, help: 'disable AutoAnchor' },
  evolve: { type: 'string', help: `evolve hyperparameters for x generations (bare --evolve: ${EVOLVE_DEFAULT_GENERATIONS})` },
  cache: { type: 'string', help: 'cache decoded images in ram' },
  'image-weights': { type: 'boolean', default: false, help: 'weighted image selection' },
  'multi-scale': { type: 'boolean', default: false, help: 'vary img-size +/- 50%' },
  'single-cls': { type: 'boolean', default: false, help: 'train multi-class data as single-class' },
  optimizer: { type: 'string', default: 'SGD', help: 'SGD | Adam | AdamW' },
  'cos-lr': { type: 'boolean', default: false, help: 'cosine LR scheduler' },
  'label-smoothing': { type: 'number', default: 0, help: 'label smoothing epsilon' },
  patience: { type: 'int', default: TRAIN_DEFAULTS.patience, help: 'EarlyStopping patience (epochs without improvement)' },
  freeze: { type: 'string', default: '0', help: 'freeze layers: backbone=10, first3=0 1 2 (comma or space separated)' },
  'save-period': { type: 'int', default: -1, help: 'save a checkpoint every x epochs (disabled if < 1)' },
  seed: { type: 'int', default: 0, help: 'global training seed' },
  project: { type: 'string', default: 'runs/train', help: 'save to project/name' },
  name: { type: 'string', default: 'exp', help: 'save to project/name' },
  'exist-ok': { type: 'boolean', default: false, help: 'existing project/name ok, do not increment' },
  ...BACKEND_FLAG,
  help: { type: 'boolean', help: 'show this help' },
};

/** Upstream increment_path: runs/train/exp, exp2, exp3, ... */
export function incrementPath(path: string, existOk: boolean): string {
  if (existOk || !existsSync(path)) return path;
  for (let n = 2; ; n++) if (!existsSync(`${path}${n}`)) return `${path}${n}`;
}

/** The most recent last.pt under runs/ (upstream get_latest_run). */
function latestRun(project: string): string {
  const found: { path: string; mtime: number }[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'last.pt') found.push({ path: p, mtime: statSync(p).mtimeMs });
    }
  };
  walk(project);
  if (!found.length) throw new YoloError('no_run_to_resume', `no last.pt found under ${project} to resume`);
  return found.sort((a, b) => b.mtime - a.mtime)[0].path;
}

export function optionsFromFlags(f: Record<string, unknown>): Partial<TrainOptions> {
  const freeze = String(f.freeze).split(/[ ,]+/).filter(Boolean).map(Number);
  return {
    weights: f.weights as string, cfg: f.cfg as string, data: f.data as string, hyp: f.hyp as string,
    epochs: f.epochs as number, batch_size: f.batchSize as number, imgsz: f.img as number, rect: f.rect as boolean,
    nosave: f.nosave as boolean, noval: f.noval as boolean, noautoanchor: f.noautoanchor as boolean,
    cache: f.cache ? 'ram' : null, image_weights: f.imageWeights as boolean, multi_scale: f.multiScale as boolean,
    single_cls: f.singleCls as boolean, optimizer: f.optimizer as TrainOptions['optimizer'], cos_lr: f.cosLr as boolean,
    label_smoothing: f.labelSmoothing as number, patience: f.patience as number, freeze,
    save_period: f.savePeriod as number, seed: f.seed as number, project: f.project as string, name: f.name as string,
    exist_ok: f.existOk as boolean,
  };
}

export async function trainCommand(argv: string[]): Promise<void> {
  const f = parseFlags(withEvolveCount(argv), FLAGS);
  if (f.help) {
    console.log(helpText('train', 'Train a YOLOv5 model on a dataset, as upstream train.py.', FLAGS));
    return;
  }
  if (f.evolve !== undefined) return evolveCommand(f);
  let input = optionsFromFlags(f);
  let resumeFrom: string | null = null;
  if (f.resume !== undefined) {
    // Resume: the run's own options (its checkpoint's opt), as upstream restores them from opt.yaml.
    resumeFrom = f.resume === 'true' || f.resume === '' ? latestRun(input.project!) : (f.resume as string);
    if (!existsSync(resumeFrom)) throw new YoloError('resume_not_found', 'no such checkpoint', { file: resumeFrom });
    const saved = readCheckpoint(new Uint8Array(readFileSync(resumeFrom)), resumeFrom).opt;
    if (!saved) throw new YoloError('not_resumable', 'the checkpoint has no training options (opt)', { file: resumeFrom });
    const known = Object.keys(TRAIN_DEFAULTS);
    input = Object.fromEntries(Object.entries(saved).filter(([k]) => known.includes(k))) as Partial<TrainOptions>;
    input.hyp = 'scratch-low'; // validation wants a hyp name; the run's saved hyp values are what train with (below)
  }
  if (!input.data) throw new UsageError('train needs --data D/data.yaml');
  const { options, warnings } = validateTrainOptions({ ...input, resume: resumeFrom ?? false });
  // A resumed run keeps the hyperparameters it started with (train.py saves them as opt.hyp).
  const savedHyp = resumeFrom ? readCheckpoint(new Uint8Array(readFileSync(resumeFrom)), resumeFrom).opt?.hyp : null;
  const hyp = savedHyp && typeof savedHyp === 'object'
    ? validateHyp(savedHyp as Record<string, unknown>, resumeFrom!)
    : resolveHyp(options.hyp, (p) => readFileSync(p, 'utf8'));
  const backend = await startBackend(f.backend as string);
  for (const w of warnings) console.warn(`WARNING ⚠️ ${w}`);

  const saveDir = resumeFrom ? dirname(dirname(resolve(resumeFrom))) : incrementPath(join(options.project, options.name), options.exist_ok);
  const wdir = join(saveDir, 'weights');
  mkdirSync(wdir, { recursive: true });
  console.log(formatHypLog(hyp));
  writeFileSync(join(saveDir, 'hyp.yaml'), writeHypYaml(hyp));
  writeFileSync(join(saveDir, 'opt.yaml'), stringify({ ...options, save_dir: saveDir }));

  const trainSplit = await loadSplit(options.data, 'train');
  const valSplit = await loadSplit(options.data, 'val');
  for (const p of [...trainSplit.problems, ...valSplit.problems]) console.warn(`WARNING ⚠️ ${p}`);
  console.log(`train: ${trainSplit.items.length} images, ${trainSplit.backgrounds} backgrounds, ${trainSplit.problems.length} corrupt`);
  console.log(`val: ${valSplit.items.length} images, ${valSplit.backgrounds} backgrounds, ${valSplit.problems.length} corrupt (backend ${backend})`);

  const weightsPath = resumeFrom ?? options.weights;
  const results = join(saveDir, 'results.csv');
  if (!resumeFrom || !existsSync(results)) writeFileSync(results, `${resultsHeader()}\n`);
  const events = train({
    options, hyp, resume: Boolean(resumeFrom),
    cfg: options.cfg ? loadModelConfig(options.cfg) : undefined,
    weights: weightsPath ? { bytes: new Uint8Array(readFileSync(weightsPath)), fileName: weightsPath } : undefined,
    data: { names: trainSplit.data.names, train: trainSplit.items, val: valSplit.items, decode: (file) => decodeImage(file) },
  });
  const tty = process.stdout.isTTY;
  const header = ['Epoch', 'box_loss', 'obj_loss', 'cls_loss', 'Instances', 'Size'].map((h) => h.padStart(11)).join('');
  let lastEpochShown = -1;
  for await (const ev of events) {
    switch (ev.type) {
      case 'log': console.log(ev.text); break;
      case 'warning': console.warn(`WARNING ⚠️ ${ev.text}`); break;
      case 'step': {
        if (ev.epoch !== lastEpochShown) {
          console.log(`\n${header}`);
          lastEpochShown = ev.epoch;
        }
        const eta = (ev.nb - ev.batch - 1) / Math.max(ev.itPerSec, 1e-9);
        const line = `${`${ev.epoch}/${ev.epochs - 1}`.padStart(11)}${ev.mloss.map((v) => v.toPrecision(4).padStart(11)).join('')}`
          + `${String(ev.instances).padStart(11)}${String(ev.size).padStart(11)}: ${ev.batch + 1}/${ev.nb} ${ev.itPerSec.toFixed(2)}it/s ETA ${eta.toFixed(0)}s`;
        if (tty) process.stdout.write(`\r${line}${ev.batch + 1 === ev.nb ? '\n' : ''}`);
        else if (ev.batch + 1 === ev.nb) console.log(line);
        break;
      }
      case 'epoch':
        if (ev.val) console.log(formatValTable(ev.val, false, trainSplit.data.nc).split('\n').slice(0, 2).join('\n'));
        appendFileSync(results, `${resultsRow(ev.row)}\n`);
        break;
      case 'checkpoint':
        writeFileSync(join(wdir, ev.name), ev.bytes);
        break;
      case 'done':
        console.log(`\n${ev.epochsRun} epochs completed${ev.stoppedEarly ? ' (stopped early)' : ''}.`);
        if (ev.final) console.log(formatValTable(ev.final, false, trainSplit.data.nc));
        console.log(`Results saved to ${saveDir}`);
        break;
    }
  }
}

// --- --evolve ----------------------------------------------------------------------------------------------------

/** `--evolve` with no number means 300 generations (upstream's nargs='?', const=300). */
function withEvolveCount(argv: string[]): string[] {
  return argv.flatMap((a, i) => (a === '--evolve' && (i + 1 === argv.length || argv[i + 1].startsWith('--'))
    ? [a, String(EVOLVE_DEFAULT_GENERATIONS)] : [a]));
}

/** Seeds each generation's parent choice and mutation from --seed and the generation's row number. */
const EVOLVE_STREAM = 0xe7017e;

/**
 * train.py --evolve N: N generations, each a full `--epochs` training that validates and saves only its final
 * epoch, its results + hyperparameters appended to runs/evolve/exp/evolve.csv, the best so far in hyp_evolve.yaml.
 */
async function evolveCommand(f: Flags): Promise<void> {
  const generations = Number(f.evolve);
  if (!Number.isInteger(generations) || generations < 1) throw new UsageError(`--evolve expects a number of generations >= 1, got '${f.evolve}'`);
  const input = optionsFromFlags(f);
  if (!input.data) throw new UsageError('train needs --data D/data.yaml');
  if (input.project === FLAGS.project.default) input.project = 'runs/evolve';
  // Upstream passes --resume on to exist_ok: evolution continues from the existing evolve.csv.
  input.exist_ok = Boolean(input.exist_ok) || f.resume !== undefined;
  const { options, warnings } = validateTrainOptions({ ...input, evolve: generations, noval: true, nosave: true });
  const start = prepareEvolveHyp(resolveHyp(options.hyp, (p) => readFileSync(p, 'utf8')), options.noautoanchor);
  const backend = await startBackend(f.backend as string);
  for (const w of warnings) console.warn(`WARNING ⚠️ ${w}`);

  const saveDir = incrementPath(join(options.project, options.name), options.exist_ok);
  mkdirSync(saveDir, { recursive: true });
  const csvPath = join(saveDir, 'evolve.csv');
  const yamlPath = join(saveDir, 'hyp_evolve.yaml');
  const trainSplit = await loadSplit(options.data, 'train');
  const valSplit = await loadSplit(options.data, 'val');
  for (const p of [...trainSplit.problems, ...valSplit.problems]) console.warn(`WARNING ⚠️ ${p}`);
  console.log(`train: ${trainSplit.items.length} images, val: ${valSplit.items.length} images (backend ${backend})`);
  const data = { names: trainSplit.data.names, train: trainSplit.items, val: valSplit.items, decode: (file: string) => decodeImage(file) };
  const weights = options.weights ? { bytes: new Uint8Array(readFileSync(options.weights)), fileName: options.weights } : undefined;
  const cfg = options.cfg ? loadModelConfig(options.cfg) : undefined;
  // An anchor count in hyp needs the architecture spelled out (see anchorCountConfig); otherwise pass on what
  // the user gave, so transfer from --weights keeps its anchors exactly when upstream's does.
  const modelInputs = (hyp: Hyp): { cfg?: ModelConfig; hyp: Hyp } => {
    if (hyp.anchors === undefined) return { cfg: cfg && structuredClone(cfg), hyp };
    let base = cfg;
    if (!base && weights) {
      const ck = readCheckpoint(weights.bytes, weights.fileName);
      const info = ck.ema ?? ck.model;
      if (!info) throw new YoloError('no_model', 'the checkpoint holds no model', { file: weights.fileName });
      base = modelConfigFromCheckpoint(info, weights.fileName);
    }
    return base ? anchorCountConfig(structuredClone(base), hyp) : { hyp };
  };

  for (let g = 0; g < generations; g++) {
    const table = existsSync(csvPath) ? parseEvolveCsv(readFileSync(csvPath, 'utf8'), csvPath) : null;
    const rng = createRng(mixSeed(options.seed, table?.rows.length ?? 0, EVOLVE_STREAM));
    const hyp = nextGenerationHyp(start, table, rng, { file: csvPath });
    console.log(evolveHypLog(hyp));
    const results = await evolveGeneration(train({ options, ...modelInputs(hyp), weights, data }), data.names.length);
    if (!table) writeFileSync(csvPath, `${evolveCsvHeader(hyp)}\n`);
    appendFileSync(csvPath, `${evolveCsvRow(results, hyp)}\n`);
    const after = parseEvolveCsv(readFileSync(csvPath, 'utf8'), csvPath);
    writeFileSync(yamlPath, hypEvolveYaml(after));
    console.log(mutationSummary(after.rows.length, results, hyp));
  }
  console.log(`Hyperparameter evolution finished ${generations} generations\nResults saved to ${saveDir}\n`
    + `Usage example: $ yolo-studio train --hyp ${yamlPath}`);
}

/** Runs one generation's training and returns its final epoch's results (P, R, mAP50, mAP50-95, val losses). */
async function evolveGeneration(events: AsyncGenerator<TrainEvent>, nc: number): Promise<EvolveResults> {
  let results: EvolveResults | null = null;
  for await (const ev of events) {
    if (ev.type === 'log') console.log(ev.text);
    else if (ev.type === 'warning') console.warn(`WARNING ⚠️ ${ev.text}`);
    else if (ev.type === 'step' && ev.batch + 1 === ev.nb) {
      console.log(`${`${ev.epoch}/${ev.epochs - 1}`.padStart(11)}${ev.mloss.map((v) => v.toPrecision(4).padStart(11)).join('')}`
        + `${String(ev.instances).padStart(11)}${String(ev.size).padStart(11)}: ${ev.nb}/${ev.nb} ${ev.itPerSec.toFixed(2)}it/s`);
    } else if (ev.type === 'epoch') {
      if (ev.val) console.log(formatValTable(ev.val, false, nc).split('\n').slice(0, 2).join('\n'));
      results = [...ev.row.metrics, ...ev.row.val];
    } else if (ev.type === 'checkpoint') {
      // Upstream saves nothing while evolving ((not nosave) or (final_epoch and not evolve)), so there is no
      // best.pt to validate either: the final epoch's validation is the generation's result. Leaving the loop
      // ends the generator (its finally frees the model).
      break;
    }
  }
  if (!results) throw new YoloError('evolve_no_results', 'the generation ended before its final epoch was validated');
  return results;
}
