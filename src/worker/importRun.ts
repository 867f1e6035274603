// A cluster run brought back: the dropped best.pt / last.pt (/ epochN.pt) and results.csv become a stored run with
// its metrics rows and checkpoints, linked to the dataset it was trained on when one fits, with a config the studio
// can resume from (the run's own opt and hyp, as upstream's --resume restores them).
import { hypPreset } from '../core/config/hyps';
import { TRAIN_DEFAULTS, validateTrainOptions, type TrainOptions } from '../core/config/trainOptions';
import { datasetDirName } from '../core/bundle/layout';
import { readExternalRun, type ExternalFile, type ExternalRun } from '../core/bundle/externalRun';
import { MODEL_NAMES, MODEL_CONFIGS, type ModelName } from '../core/model/configs';
import { toStoredRow } from '../protocol/metrics';
import type { DroppedFile, RunImportSummary, StudioOptionKey, StudioOptions, TrainConfig } from '../protocol/messages';
import { getManifest, importRun, listDatasets, type StudioDb } from '../storage';

export class RunImportError extends Error {
  override name = 'RunImportError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const STUDIO_KEYS: readonly StudioOptionKey[] = [
  'epochs', 'batch_size', 'imgsz', 'optimizer', 'cos_lr', 'rect', 'multi_scale', 'single_cls', 'label_smoothing', 'patience',
  'save_period', 'image_weights', 'cache', 'seed', 'noval', 'noautoanchor', 'freeze',
];

const baseName = (p: string): string => p.replace(/^.*[\\/]/, '');
const wanted = (path: string): boolean => /\.pt$/i.test(path) || baseName(path).toLowerCase() === 'results.csv';

/** The built-in architecture of the checkpoint: by its yaml file name, else by its depth / width multiples. */
function modelName(m: ExternalRun['model']): ModelName | null {
  const stem = (m.yamlFile ?? '').replace(/\.ya?ml$/i, '');
  if ((MODEL_NAMES as string[]).includes(stem)) return stem as ModelName;
  return MODEL_NAMES.find((n) => MODEL_CONFIGS[n].depth_multiple === m.depthMultiple && MODEL_CONFIGS[n].width_multiple === m.widthMultiple) ?? null;
}

/** The run's options as the studio stores them: upstream's opt, checked, reduced to the keys the studio exposes. */
function studioOptions(ext: ExternalRun, warnings: string[]): StudioOptions {
  const known = Object.keys(TRAIN_DEFAULTS);
  const raw = Object.fromEntries(Object.entries(ext.opt ?? {}).filter(([k]) => known.includes(k))) as Partial<TrainOptions>;
  let options: TrainOptions;
  try {
    options = validateTrainOptions({ ...raw, hyp: 'scratch-low', resume: false, evolve: null }).options;
  } catch (err) {
    warnings.push(`the run's train options do not check out (${(err as Error).message}); upstream defaults shown instead`);
    options = validateTrainOptions({}).options;
  }
  return Object.fromEntries(STUDIO_KEYS.map((k) => [k, options[k]])) as unknown as StudioOptions;
}

/** The stored dataset the run was trained on: the given one (its classes must match), or one whose bundle folder
 * (opt.data '../datasets/<dir>/data.yaml') and class names match. */
async function linkDataset(db: StudioDb, ext: ExternalRun, given: string | undefined): Promise<string | null> {
  const same = (names: string[]) => names.length === ext.names.length && names.every((n, i) => n === ext.names[i]);
  if (given) {
    const m = await getManifest(db, given);
    if (!same(m.names)) {
      throw new RunImportError('dataset_mismatch', `the run's ${ext.names.length} classes (${ext.names.slice(0, 5).join(', ')}...) are not those of dataset "${m.name}"`);
    }
    return given;
  }
  const data = typeof ext.opt?.data === 'string' ? ext.opt.data : '';
  const dir = /(?:^|\/)datasets\/([^/]+)\/[^/]*$/.exec(data.replace(/\\/g, '/'))?.[1];
  if (!dir) return null;
  const candidates = (await listDatasets(db)).filter((d) => d.nc === ext.names.length && datasetDirName(d.name) === dir).reverse();
  for (const d of candidates) if (same((await getManifest(db, d.id)).names)) return d.id;
  return null;
}

/** Stores the dropped files of one cluster run as a run; returns what was stored. */
export async function importDroppedRun(
  db: StudioDb,
  msg: { files: DroppedFile[]; name?: string; datasetId?: string },
): Promise<RunImportSummary> {
  if (!msg.files.length) throw new RunImportError('nothing_dropped', 'no files were dropped');
  // Only checkpoints and results.csv are read; plots and the like are not loaded at all.
  const files: ExternalFile[] = [];
  for (const f of msg.files) {
    if (wanted(f.path)) files.push({ name: f.path, bytes: new Uint8Array(await f.file.arrayBuffer()) });
  }
  const ext = readExternalRun(files);
  const ignored = msg.files.filter((f) => !wanted(f.path)).map((f) => f.path);
  const warnings = [...ext.warnings];

  const model = modelName(ext.model);
  if (!model) warnings.push(`the architecture (${ext.model.yamlFile ?? 'a custom yaml'}) is not a built-in size; fine-tuning and resuming use the checkpoint's own`);
  if (!ext.hyp) warnings.push('the run\'s hyperparameters are unknown: scratch-low is shown (and used by a resume)');
  const config: TrainConfig = {
    model: model ?? 'yolov5s',
    hyp: ext.hyp ?? hypPreset('scratch-low'),
    hypPreset: 'hyp.yaml',
    options: studioOptions(ext, warnings),
    ...(typeof ext.opt?.weights === 'string' && ext.opt.weights ? { weightsName: baseName(ext.opt.weights) } : {}),
  };
  const datasetId = await linkDataset(db, ext, msg.datasetId);
  if (!datasetId) warnings.push('no stored dataset matches the run\'s data and classes: link one to validate on it or resume');

  const last = ext.checkpoints.find((c) => c.kind === 'last');
  const status = last?.resumable && last.epoch + 1 < config.options.epochs ? 'interrupted' : 'done';
  const saveDir = typeof ext.opt?.save_dir === 'string' ? baseName(ext.opt.save_dir) : '';
  const name = msg.name ?? `${saveDir || (typeof ext.opt?.name === 'string' ? ext.opt.name : 'run')} (cluster)`;
  const trained = last && !last.stripped ? `saved after epoch ${last.epoch}` : `${ext.rows.length} epochs in results.csv`;
  const record = await importRun(db, {
    name,
    ...(datasetId ? { datasetId } : {}),
    config,
    status,
    note: `imported from upstream YOLOv5 (${ext.checkpoints.map((c) => c.fileName).join(', ')}${ext.rows.length ? ', results.csv' : ''}): ${trained}`,
    metrics: ext.rows.map(toStoredRow),
    checkpoints: ext.checkpoints.map((c) => ({
      kind: c.kind,
      bytes: c.bytes,
      meta: { epoch: c.epoch, source: 'upstream', fileName: c.fileName, stripped: c.stripped, resumable: c.resumable, bestFitness: c.bestFitness, date: c.date },
    })),
  });
  return {
    runId: record.id,
    name: record.name,
    datasetId,
    epochs: ext.rows.length,
    checkpoints: ext.checkpoints.map((c) => ({
      entryId: c.kind === 'epoch' ? `epoch-${c.epoch}` : c.kind, kind: c.kind, epoch: c.epoch, stripped: c.stripped, resumable: c.resumable,
    })),
    status,
    warnings,
    ignored,
  };
}
