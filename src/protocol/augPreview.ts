// The augmentation preview of the hyperparameters panel: a few training samples drawn by the worker exactly as the
// TrainLoader's CPU path draws them for training (mosaic, mixup, random_perspective, HSV, flips), with their final
// boxes. The pixels travel as RGBA so the UI can hand them to ImageData without a conversion; buffers are transferred.
import type { AugmentHyp } from '../core/data/augment/hyp';
import type { SampleKind } from '../core/data/augment/plan';

/** Samples shown by default (one batch of four). */
export const AUG_PREVIEW_COUNT = 4;
/** Most samples one request may ask for (each can be a 2x2 mosaic of full-size images). */
export const AUG_PREVIEW_MAX = 16;

export interface AugPreviewRequest {
  datasetId: string;
  /** The augmentation keys of the hyperparameters, as the training would read them. */
  hyp: AugmentHyp;
  /** Training image size (rounded up to a multiple of 32, as the trainer does). */
  imgsz: number;
  /** The loader's seed: the training's --seed shows exactly its first samples of epoch 0. */
  seed: number;
  count: number;
  /** Upstream --rect: letterboxed rectangles, no mosaic. */
  rect?: boolean;
  /** Upstream --single-cls: every box is class 0. */
  singleCls?: boolean;
}

export interface AugPreviewSample {
  width: number;
  height: number;
  /** (H, W, 4) RGBA, alpha 255. */
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** (n, 5) [cls, x1, y1, x2, y2] in pixels of this sample: the labels training gets for it. */
  boxes: Float32Array;
  kind: SampleKind;
  /** The dataset image the sample starts from (its path in the dropped folder). */
  file: string;
}

export interface AugPreview {
  seed: number;
  /** The image size actually used (after rounding). */
  imgsz: number;
  /** Class names, index = class id ('item' alone with single-cls). */
  names: string[];
  samples: AugPreviewSample[];
  /** Worker time for the whole preview, milliseconds. */
  ms: number;
}

/** Why a preview request was answered without samples. */
export type AugPreviewSkip = 'superseded' | 'training';
