// Messages between the UI thread and the trainer worker: discriminated unions on `type`, one listener per side.
// Every variant has a live handler. Training messages carry storage keys (run id, checkpoint entry id), never
// weights: the worker writes checkpoints, run records and metrics to IndexedDB itself and the UI reads them there.
import type { Hyp } from '../core/config/hyps';
import type { TrainOptions } from '../core/config/trainOptions';
import type { ModelName } from '../core/model/configs';
import type { EpochRow } from '../core/train/results';
import type { ValClassRow } from '../core/val';
import type { ValAnalytics } from './valAnalytics';
import type { AugPreview, AugPreviewRequest, AugPreviewSkip } from './augPreview';
import type { CheckpointValidation, TryItImage, TryItResult } from './checkpointTools';
import type { ModelYamlCheck, StoredWeightsRef, WeightsInfo } from './modelSetup';

/** The tfjs backends the studio can run on. */
export type BackendName = 'webgpu' | 'wasm' | 'webgl' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

/** 'auto': WebGPU on a real (hardware) adapter, else wasm; a backend name forces that one. */
export type BackendPreference = 'auto' | BackendName;

export function isBackendName(x: unknown): x is BackendName {
  return typeof x === 'string' && (BACKEND_NAMES as readonly string[]).includes(x);
}

/** An Error flattened so it survives structured clone (class identity does not cross the worker boundary). */
export interface PlainError {
  name: string;
  message: string;
  /** The `code` of our Error subclasses (e.g. 'BAD_IMG_SIZE'); 'UNEXPECTED' when the thrower gave none. */
  code: string;
  stack?: string;
}

/** The train options the studio exposes (upstream train.py names); the rest keep TRAIN_DEFAULTS. */
export type StudioOptionKey =
  | 'epochs' | 'batch_size' | 'imgsz' | 'optimizer' | 'cos_lr' | 'rect' | 'multi_scale' | 'single_cls'
  | 'label_smoothing' | 'patience' | 'save_period' | 'image_weights' | 'cache' | 'seed' | 'noval'
  | 'noautoanchor' | 'freeze';
export type StudioOptions = Pick<TrainOptions, StudioOptionKey>;

/** Everything a run is started from; stored as the run record's config, so a resumed run uses the same. */
export interface TrainConfig {
  model: ModelName;
  hyp: Hyp;
  /** Name of the preset the hyperparameters started from (for hyp.yaml's and the run list's sake). */
  hypPreset: string;
  options: StudioOptions;
  /** File name of the starting weights when transfer learning from a dropped .pt; absent: from scratch. */
  weightsName?: string;
  /** A custom upstream-format model yaml (the text as given): the architecture, instead of `model`. */
  cfgYaml?: string;
  /** File name of `cfgYaml` (opt.yaml's cfg, the bundle's copy). */
  cfgName?: string;
  /** The stored checkpoint the weights came from (weightsName is its file name, e.g. last.pt). */
  weightsFrom?: StoredWeightsRef & { runName: string };
}

/** One file of a drop: its path inside the dropped folder (or its name) and the File handle (cloned cheaply). */
export interface DroppedFile {
  path: string;
  file: File;
}

export type ImportPhase = 'reading' | 'verifying' | 'writing';

/** What an import did, for the datasets panel: where the images went and every file dropped or fixed, with why. */
export interface ImportSummary {
  datasetId: string;
  name: string;
  format: string;
  images: { train: number; val: number; test: number };
  /** Val was split off train because the dataset had none. */
  autoSplit: boolean;
  problems: { file: string; line?: number; split?: string; code: string; message: string; action: 'dropped' | 'fixed' | 'warning' }[];
  notes: string[];
}

/** Web Locks name held by the tab whose worker trains `runId`; free means nobody trains it. */
export const runLockName = (runId: string): string => `yolo-studio:train:${runId}`;

export type ToWorker =
  /** Choose and initialise a backend; answered by 'ready' (or 'error'). */
  | { type: 'init'; prefer?: BackendPreference }
  /**
   * Smoke check of the whole stack: build yolov5n from `seed`, run one eval forward on a seeded
   * (1, img, img, 3) input in [0,1]. Answered by 'probeResult' (or 'error' with the same id).
   */
  | { type: 'probe'; id: number; prefer?: BackendName; img: number; seed: number; nc?: number }
  /**
   * Train `datasetId` as run `runId`. `resume`: continue the stored run from its last.pt (its stored config wins);
   * else a new run record is written. `weights`: a dropped .pt to start from (a File handle, cheap to clone).
   */
  | {
      type: 'start';
      runId: string;
      name: string;
      datasetId: string;
      config: TrainConfig;
      backend: BackendPreference;
      resume?: boolean;
      weights?: File;
      /** A stored checkpoint to start from instead (the worker reads it from IndexedDB itself). */
      weightsRef?: StoredWeightsRef;
    }
  | { type: 'pause' | 'resume' | 'stop'; runId: string }
  /** Generate the built-in sample dataset into storage; answered by 'sampleProgress' and 'sampleCreated'. */
  | { type: 'createSample'; id: number; seed: number }
  /** Verify and store a dropped dataset; answered by 'importProgress' and 'imported' (or 'error' with the id). */
  | { type: 'importFiles'; id: number; files: DroppedFile[] }
  /** Abandons import `id`: nothing of it is kept. */
  | { type: 'cancelImport'; id: number }
  /** Test hook: tf.memory() of the worker, answered by 'memory'. */
  | { type: 'memory'; id: number }
  /**
   * A few training samples as the TrainLoader draws them, for the hyperparameters panel. Answered by
   * 'augPreviewResult', or 'augPreviewSkipped' when a newer request superseded it or a training runs in this worker.
   */
  | { type: 'augPreview'; id: number; request: AugPreviewRequest }
  /** Test hook: destroys the WebGPU device tfjs computes on (simulates a lost GPU); answered by 'deviceDestroyed'. */
  | { type: 'loseDevice'; id: number }
  /**
   * Bring a run trained elsewhere (upstream YOLOv5 on a cluster) back as a stored run: its dropped best.pt / last.pt /
   * epochN.pt and results.csv (other files are ignored). `datasetId`: the dataset it was trained on (else matched by
   * the run's data.yaml folder and class names). Answered by 'runImported' (or 'error' with the id).
   */
  | { type: 'importRun'; id: number; files: DroppedFile[]; name?: string; datasetId?: string }
  /**
   * Write the cluster bundle of a stored dataset and these settings (a zip upstream YOLOv5 trains from as it is).
   * Answered by 'bundleReady' with a stream of the zip's bytes to save, then 'bundleProgress' while it is read.
   * `name`: the run's name (upstream --name); `gpus`/`nodes`: for the README's multi-GPU commands (default 2 / 1).
   */
  | {
      type: 'bundle';
      id: number;
      datasetId: string;
      config: TrainConfig;
      name?: string;
      weights?: File;
      /** A stored checkpoint to ship as the starting weights instead of a dropped file. */
      weightsRef?: StoredWeightsRef;
      gpus?: number;
      nodes?: number;
      /** The name the zip will be saved under (the README's unzip command names it). */
      fileName?: string;
    }
  /**
   * Export a stored checkpoint as ONNX (upstream export.py --include onnx). `imgsz` defaults to the run's training
   * size, `opset` to upstream's 12. Answered by 'onnxReady' (or 'error' with the id).
   */
  | { type: 'exportOnnx'; id: number; runId: string; entryId: string; imgsz?: number; opset?: number; dynamic?: boolean }
  /**
   * Parse a custom model yaml and summarize it (layers, parameters, GFLOPs at `imgsz`, default 640) with `nc` (the
   * dataset's) replacing the yaml's. Answered by 'modelYamlChecked', whose check carries the parser's error if any.
   */
  | { type: 'checkModelYaml'; id: number; text: string; fileName: string; nc?: number; imgsz?: number }
  /** Read a starting checkpoint (dropped or stored) for its classes and architecture; answered by 'weightsInfo'. */
  | { type: 'inspectWeights'; id: number; weights?: File; weightsRef?: StoredWeightsRef }
  /**
   * Run stored checkpoint `entryId` of run `runId` on one image as upstream detect.py: letterbox to the run's training
   * size (or `imgsz`), eval forward, NMS at `iouThres` (max_det 1000), keeping every detection above
   * TRY_IT_CONF_FLOOR so the UI filters by confidence itself. The model stays loaded for the next request on the same
   * checkpoint and is disposed when another is chosen. Answered by 'tryItResult' (or 'error' with the id).
   */
  | { type: 'tryIt'; id: number; runId: string; entryId: string; image: TryItImage; iouThres: number; imgsz?: number }
  /**
   * Validate stored checkpoint `entryId` of run `runId` on the val split of dataset `datasetId` as upstream val.py
   * (conf 0.001, IoU 0.6, batch 32 unless `batchSize`) at the run's training size unless `imgsz`. Answered by
   * 'validateProgress' after each batch and 'validateResult', or 'error' with the id (code 'class_mismatch' when the
   * dataset's class count is not the checkpoint's).
   */
  | { type: 'validateCheckpoint'; id: number; runId: string; entryId: string; datasetId: string; imgsz?: number; batchSize?: number };

/** What importing a cluster run stored, for the runs panel. */
export interface RunImportSummary {
  runId: string;
  name: string;
  /** The dataset the run is linked to (given or matched), or null when none fits: it then cannot be resumed. */
  datasetId: string | null;
  /** Metrics rows stored (results.csv epochs). */
  epochs: number;
  checkpoints: { entryId: string; kind: 'last' | 'best' | 'epoch'; epoch: number; stripped: boolean; resumable: boolean }[];
  /** An unstripped last.pt with epochs left to train: 'interrupted' (resume offered), else 'done'. */
  status: 'done' | 'interrupted';
  warnings: string[];
  /** Dropped files that are neither a checkpoint nor results.csv. */
  ignored: string[];
}

/** What one validation found per class: val.py's per-class row, as core/val reports it. */
export type ClassMetrics = ValClassRow;

export type RunState = 'running' | 'paused' | 'stopping';

export type FromWorker =
  | {
      type: 'ready';
      backend: BackendName;
      /** WebGPU only: 'vendor / architecture (description)' of the adapter. */
      adapter?: string;
      isFallbackAdapter?: boolean;
      /** wasm only: threads it runs with (1 = no SharedArrayBuffer, i.e. the page is not cross-origin isolated). */
      threads?: number;
      /** Why 'auto' did not pick WebGPU, for the user ("only a software WebGPU adapter"...). */
      note?: string;
    }
  | {
      type: 'probeResult';
      id: number;
      backend: BackendName;
      adapter?: string;
      isFallbackAdapter?: boolean;
      /** Shape of the decoded eval output, (B, N, 5+nc). */
      shape: number[];
      /** Row-major decoded predictions: xywh in input pixels, objectness, class scores. */
      data: Float32Array;
      /** Wall time of the forward including the readback, milliseconds. */
      ms: number;
    }
  /** The run record exists and the first batch is about to load. */
  | {
      type: 'runStarted';
      runId: string;
      backend: BackendName;
      adapter?: string;
      isFallbackAdapter?: boolean;
      threads?: number;
      /** First epoch this session trains (0, or the resumed epoch). */
      startEpoch: number;
      epochs: number;
      trainImages: number;
      valImages: number;
    }
  | { type: 'runState'; runId: string; state: RunState }
  | { type: 'log'; runId: string; level: 'info' | 'warning'; text: string }
  | {
      type: 'step';
      runId: string;
      epoch: number;
      epochs: number;
      batch: number;
      nb: number;
      /** Running means of [box, obj, cls] over the epoch so far. */
      mloss: [number, number, number];
      lr: number[];
      itPerSec: number;
      /** Images per batch times batches per second. */
      imgsPerSec: number;
    }
  | {
      type: 'epoch';
      runId: string;
      row: EpochRow;
      fitness: number;
      bestFitness: number;
      isBest: boolean;
      perClass: ClassMetrics[];
      /** The validation's confusion matrix, curves and gallery boxes; absent when the epoch was not validated. */
      analytics?: ValAnalytics;
    }
  /** A checkpoint is committed to storage: read it with storage readCheckpoint(runId, entryId). */
  | { type: 'checkpoint'; runId: string; entryId: string; kind: 'last' | 'best' | 'epoch'; epoch: number; size: number }
  | {
      type: 'done';
      runId: string;
      status: 'done' | 'stopped';
      epochsRun: number;
      /** Validation of the stripped best.pt, when there was one. */
      final: { P: number; R: number; mAP50: number; mAP50_95: number } | null;
    }
  | { type: 'sampleProgress'; id: number; done: number; total: number }
  | { type: 'sampleCreated'; id: number; datasetId: string }
  /** `unit` 'bytes': done / total count bytes (a zip being read); else files or images. */
  | { type: 'importProgress'; id: number; phase: ImportPhase; done: number; total: number; unit?: 'bytes' | 'files' }
  | { type: 'imported'; id: number; summary: ImportSummary }
  | { type: 'memory'; id: number; numTensors: number; numBytes: number }
  /** The preview's pixel and box buffers are transferred. */
  | { type: 'augPreviewResult'; id: number; preview: AugPreview }
  | { type: 'augPreviewSkipped'; id: number; why: AugPreviewSkip }
  /** `destroyed` false: the worker was not computing on WebGPU, nothing was destroyed. */
  | { type: 'deviceDestroyed'; id: number; destroyed: boolean }
  | { type: 'runImported'; id: number; summary: RunImportSummary }
  /** The bundle zip as a stream (transferred); it is written as it is read, one image at a time. */
  | { type: 'bundleReady'; id: number; fileName: string; images: number; stream: ReadableStream<Uint8Array> }
  | { type: 'bundleProgress'; id: number; done: number; total: number }
  /** The exported .onnx file (its buffer transferred) and the name to save it under. */
  | { type: 'onnxReady'; id: number; fileName: string; bytes: Uint8Array }
  | { type: 'modelYamlChecked'; id: number; check: ModelYamlCheck }
  | { type: 'weightsInfo'; id: number; info: WeightsInfo }
  /** The detections of a 'tryIt' (its `dets` buffer transferred). */
  | { type: 'tryItResult'; id: number; result: TryItResult }
  /** Batches of a 'validateCheckpoint' done so far, and images seen. */
  | { type: 'validateProgress'; id: number; batch: number; batches: number; images: number }
  | { type: 'validateResult'; id: number; result: CheckpointValidation }
  /** `id` / `runId` are set when the error answers a request or ends a run. */
  | { type: 'error'; id?: number; runId?: string; error: PlainError };

/** Flattens anything thrown into a PlainError. */
export function toPlainError(err: unknown): PlainError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      name: err.name,
      message: err.message,
      code: typeof code === 'string' ? code : 'UNEXPECTED',
      stack: err.stack,
    };
  }
  return { name: 'Error', message: String(err), code: 'UNEXPECTED' };
}
