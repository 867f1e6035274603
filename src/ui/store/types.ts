// The one studio store's shape, assembled from slices (store/index.ts). Each slice owns its fields and actions;
// `Studio` is what every component selects from.
import type { StateCreator } from 'zustand';
import type { Hyp } from '../../core/config/hyps';
import type { ModelName } from '../../core/model/configs';
import type { EpochRow } from '../../core/train/results';
import type {
  BackendPreference, ClassMetrics, DroppedFile, ImportPhase, ImportSummary, PlainError, RunState, StudioOptions,
} from '../../protocol/messages';
import type { CheckpointEntry, DatasetSummary, RunStatus, RunSummary } from '../../storage';
import type { ValAnalytics } from '../../protocol/valAnalytics';
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

export interface ConfigSlice {
  model: ModelName;
  /** A dropped .pt to start from (not persisted across reloads: it is a File). */
  weights: File | null;
  hypPreset: string;
  hyp: Hyp;
  options: StudioOptions;
  setModel: (m: ModelName) => void;
  setWeights: (f: File | null) => void;
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

export type RunPhase = 'starting' | RunState | RunStatus;

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
  /** The last validation's confusion matrix, curves and gallery (live runs only: not stored with the run). */
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

export type Studio = BackendSlice & DatasetsSlice & ConfigSlice & RunSlice;
export type Slice<T> = StateCreator<Studio, [['zustand/persist', unknown]], [], T>;
