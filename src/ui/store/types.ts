// The one studio store's shape, assembled from slices (store/index.ts). Each slice owns its fields and actions;
// `Studio` is what every component selects from.
import type { StateCreator } from 'zustand';
import type { Hyp } from '../../core/config/hyps';
import type { ModelName } from '../../core/model/configs';
import type { EpochRow } from '../../core/train/results';
import type {
  BackendPreference, ClassMetrics, DroppedFile, ImportPhase, ImportSummary, PlainError, RunState, StudioOptions,
} from '../../protocol/messages';
import type { CheckpointEntry, DatasetSummary, RunStatus, RunSummary, StorageEstimate, StudioUsage } from '../../storage';
import type { ValAnalytics } from '../../protocol/valAnalytics';
import type { ModelYamlCheck, StoredWeightsRef } from '../../protocol/modelSetup';
import type { ReadyInfo } from '../trainerClient';

export type BackendStatus = { kind: 'starting' } | { kind: 'ready'; info: ReadyInfo } | { kind: 'failed'; message: string };

export interface BackendSlice {
  backend: BackendStatus;
  backendPref: BackendPreference;
  setBackendPref: (pref: BackendPreference) => void;
}

export interface DatasetsSlice {
  datasets: DatasetSummary[];
  selectedDatasetId: string | null;
  /** Sample generation in progress (done / total images), or its failure. */
  sample: { busy: boolean; done: number; total: number; error?: string };
  datasetError: string | null;
  /** A dropped dataset being verified / stored (request id for cancelling). */
  /** `unit` 'bytes' while a zip's bytes are read; counts of files / images otherwise. */
  importing: { id: number; phase: ImportPhase; done: number; total: number; unit?: 'bytes' | 'files' } | null;
  /** What the last import found (shown until the next one). */
  lastImport: ImportSummary | null;
  importFiles: (files: DroppedFile[]) => Promise<void>;
  cancelImport: () => void;
  loadDatasets: () => Promise<void>;
  createSample: () => Promise<void>;
  selectDataset: (id: string) => void;
  renameDataset: (id: string, name: string) => Promise<void>;
  deleteDataset: (id: string) => Promise<void>;
}

/** A custom upstream-format model yaml: the name it is shown and shipped under, and its text. */
export interface CustomModel {
  name: string;
  text: string;
}

/** A stored checkpoint to start from, with its run's name for the panel and the run's config. */
export type StoredWeights = StoredWeightsRef & { runName: string };

export interface ConfigSlice {
  model: ModelName;
  /** A dropped .pt to start from (not persisted across reloads: it is a File). */
  weights: File | null;
  /** Or a stored checkpoint to start from (the worker reads it from IndexedDB); one of the two at most. */
  storedWeights: StoredWeights | null;
  /** A custom model yaml used as the architecture instead of `model` (persisted). */
  customModel: CustomModel | null;
  /** The worker's check of customModel's text; null while it runs (or without a custom model). */
  modelCheck: { text: string; check: ModelYamlCheck } | null;
  hypPreset: string;
  hyp: Hyp;
  options: StudioOptions;
  setModel: (m: ModelName) => void;
  setWeights: (f: File | null) => void;
  setStoredWeights: (w: StoredWeights | null) => void;
  setCustomModel: (m: CustomModel | null) => void;
  /** Records a check; ignored unless it is of the current custom text (an older, slower check may come late). */
  setModelCheck: (text: string, check: ModelYamlCheck) => void;
  setHyp: (key: keyof Hyp, value: number | undefined) => void;
  applyPreset: (name: string) => void;
  importHyp: (hyp: Hyp, fileName: string) => void;
  setOption: <K extends keyof StudioOptions>(key: K, value: StudioOptions[K]) => void;
}

export interface LossPoint {
  /** Fractional epoch: epoch + (batch + 1) / nb. */
  x: number;
  box: number;
  obj: number;
  cls: number;
}

export interface LrPoint {
  x: number;
  lr0: number;
  lr1: number;
  lr2: number;
}

/** 'pausing': Pause was pressed and the worker has not yet reached the point where its loop waits. */
export type RunPhase = 'starting' | 'pausing' | RunState | RunStatus;

/** The run shown in the run view: the one training in this tab, or a stored one opened from the runs list. */
export interface RunView {
  runId: string;
  name: string;
  phase: RunPhase;
  /** Training in this tab right now (controls enabled). */
  live: boolean;
  backendLine?: string;
  epoch: number;
  epochs: number;
  batch: number;
  nb: number;
  itPerSec: number;
  imgsPerSec: number;
  startEpoch: number;
  loss: LossPoint[];
  lr: LrPoint[];
  rows: EpochRow[];
  perClass: ClassMetrics[];
  /** The last validation's confusion matrix, curves and gallery (stored with the run: a past run shows its own). */
  analytics?: ValAnalytics;
  checkpoints: CheckpointEntry[];
  logs: { level: 'info' | 'warning' | 'error'; text: string }[];
  error?: PlainError;
  final?: { P: number; R: number; mAP50: number; mAP50_95: number } | null;
}

/** A stored run as the runs list shows it, with what "Resume" needs. */
export interface RunListEntry extends RunSummary {
  /** Epoch a resume would start at (from the unstripped last.pt), when resumable. */
  resumeEpoch?: number;
  epochs?: number;
}

export interface RunSlice {
  runs: RunListEntry[];
  view: RunView | null;
  startTraining: () => void;
  control: (action: 'pause' | 'resume' | 'stop') => void;
  resumeRun: (runId: string) => Promise<void>;
  openRun: (runId: string) => Promise<void>;
  deleteRun: (runId: string) => Promise<void>;
  refreshRuns: () => Promise<void>;
  refreshCheckpoints: () => Promise<void>;
}

/** What the studio keeps in this browser and how much room it takes; pruning checkpoints (storageSlice.ts). */
export interface StorageSlice {
  storage: {
    /** The studio's own data per run and dataset; null until first read. */
    usage: StudioUsage | null;
    /** navigator.storage.estimate() of the whole origin, null where the browser gives none. */
    estimate: StorageEstimate | null;
    /** Whether the browser keeps the data under storage pressure; undefined while unknown. */
    persisted: boolean | undefined;
    error: string | null;
  };
  /** First run: ask for persistent storage once (the answer is remembered), then read the numbers. */
  initStorageCare: () => Promise<void>;
  refreshStorage: () => Promise<void>;
  pruneEpochCheckpoints: (runId: string) => Promise<void>;
  deleteCheckpoint: (runId: string, entryId: string) => Promise<void>;
}

/** Past runs ticked in the runs list, drawn beside the current run on the compare chart (compareSlice.ts). */
export interface CompareSlice {
  /** Run ids in the order they were ticked (their colours follow it). */
  compareIds: string[];
  /** Their stored per-epoch rows. */
  compareRows: Record<string, EpochRow[]>;
  toggleCompare: (runId: string) => Promise<void>;
}

export type Studio = BackendSlice & DatasetsSlice & ConfigSlice & RunSlice & StorageSlice & CompareSlice;
export type Slice<T> = StateCreator<Studio, [['zustand/persist', unknown]], [], T>;
