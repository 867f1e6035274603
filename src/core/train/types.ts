// What the training loop takes and what it tells: typed inputs, typed events (no callback registry).
import type { Hyp } from '../config/hyps';
import type { TrainOptions } from '../config/trainOptions';
import type { RgbImage, ValItem } from '../data';
import type { ModelConfig } from '../model';
import type { ValResult } from '../val';
import type { EpochRow } from './results';

export interface TrainData {
  /** Class names; index = class id. */
  names: string[];
  /** Verified items: file, size as upstream measures it, (n, 5) normalised labels. */
  train: ValItem[];
  val: ValItem[];
  /** Bytes -> RGB pixels, as cv2.imread would give them (sharp in Node, the worker's decoder in the browser). */
  decode: (file: string) => Promise<RgbImage>;
}

export interface WeightsFile {
  bytes: Uint8Array;
  fileName: string;
}

export interface TrainInputs {
  /** Validated options (validateTrainOptions). */
  options: TrainOptions;
  /** Hyperparameters as given (scratch-low etc.), before train.py's scaling. */
  hyp: Hyp;
  data: TrainData;
  /** The architecture; absent when starting from `weights` (their own yaml is used). */
  cfg?: ModelConfig;
  /** Starting weights (transfer), or with `resume` the last.pt to continue. */
  weights?: WeightsFile;
  resume?: boolean;
  /**
   * Optimizer step + EMA over flat per-group buffers (multi-tensor path, same numbers as the per-tensor one; see
   * core/optim/fusedSgd.ts, fusedAdam.ts). Default FUSED_OPTIMIZER_DEFAULT.
   */
  fusedOptimizer?: boolean;
  /** Asked between batches: 'stop' ends the run after saving; a pending promise pauses it. */
  control?: () => 'go' | 'stop' | Promise<'go' | 'stop'>;
}

export type CheckpointKind = 'last' | 'best' | 'epoch';

export type TrainEvent =
  | { type: 'log'; text: string }
  | { type: 'warning'; text: string }
  | {
    type: 'step';
    epoch: number;
    epochs: number;
    batch: number;
    nb: number;
    /** Running means of [box, obj, cls] over the epoch so far. */
    mloss: [number, number, number];
    instances: number;
    size: number;
    lr: number[];
    itPerSec: number;
  }
  | { type: 'epoch'; row: EpochRow; fitness: number; bestFitness: number; isBest: boolean; val: ValResult | null }
  | { type: 'checkpoint'; kind: CheckpointKind; epoch: number; name: string; bytes: Uint8Array }
  | { type: 'done'; epochsRun: number; bestFitness: number; stoppedEarly: boolean; userStopped: boolean; final: ValResult | null };
