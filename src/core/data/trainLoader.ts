// The training loader: upstream's LoadImagesAndLabels(augment=True) behind train.py's InfiniteDataLoader, as one
// object that yields NHWC uint8 batches per epoch.
//   - order: a seeded shuffle of the images each epoch (upstream's RandomSampler; torch's stream cannot be matched),
//     or, with rect batches, the aspect-ratio order without shuffling and one letterbox shape per batch (pad 0);
//   - --image-weights: the trainer draws `indices` per epoch (weightedChoices) and passes them in; positions then
//     map through them and mosaics pick their extra images from them, as upstream's dataset.indices;
//   - every sample has its own Rng, derived from (seed, epoch, slot), so batches are identical whatever the prefetch
//     timing, and an epoch can be replayed (resume) from the seed alone;
//   - prefetch: batch k+1 is built as soon as batch k is handed out; stopping the iteration stops the builder;
//   - epochPlans() yields the same batches without pixels (draws, labels and the loaded images only), for a consumer
//     that draws them on the GPU (augment/gpu renderBatch); epoch() draws them on the CPU from the same plans.
import { createRng } from '../rng';
import { planTrainSample, type SamplePlan, type SampleSource } from './augment/plan';
import { renderSample } from './augment/sample';
import { checkAugmentHyp, type AugmentHyp } from './augment/hyp';
import { LabelError } from './errors';
import type { RgbImage } from './image';
import { loadImage, rectBatches, type LoadedImage, type ValItem } from './valLoader';

export interface TrainLoaderOptions {
  /** Training image size (mosaic tiles have this long side; batches are imgSize square unless rect). */
  imgSize: number;
  batchSize: number;
  /** Grid stride gs (rect batch shapes are multiples of it). Default 32. */
  stride?: number;
  hyp: AugmentHyp;
  /** Rect training batches (upstream --rect): no mosaic, no shuffle. Ignored with imageWeights, as upstream. */
  rect?: boolean;
  /** Upstream --image-weights: turns rect off; the per-epoch indices come from the trainer. */
  imageWeights?: boolean;
  /** Every class becomes 0 (upstream --single-cls). */
  singleCls?: boolean;
  seed: number;
  /** File -> decoded RGB pixels (sharp in Node, createImageBitmap in the browser). */
  decode: (file: string) => Promise<RgbImage>;
  /** Keep load_image results in memory (upstream --cache ram): true, or a Map to share between loaders. */
  cache?: boolean | Map<number, LoadedImage>;
  /** Batches built ahead of the one being consumed. Default 1. */
  prefetch?: number;
}

export interface TrainBatch {
  /** Batch number within the epoch. */
  index: number;
  /** (B, H, W, 3) uint8 RGB, NHWC. */
  images: Uint8Array;
  shape: [number, number, number, number];
  /** (nt, 6) float32 rows [image in batch, cls, x, y, w, h], normalized xywh. */
  targets: Float32Array;
  files: string[];
  /** Dataset index of each image. */
  itemIndices: Int32Array;
}

/** A batch as epochPlans() yields it: TrainBatch's fields without the pixels, and the plan of every sample. */
export interface PlannedTrainBatch extends Omit<TrainBatch, 'images'> {
  /** One plan per image, in batch order (augment/gpu renderBatch draws them). */
  plans: SamplePlan[];
}

interface PlannedBatch {
  /** Sample slots (position in the epoch) and the dataset index each one starts from. */
  slots: number[];
  indices: number[];
  shapeHW: [number, number];
}

/** Thrown inside a batch that was being built when its consumer stopped iterating; never reaches the consumer. */
class LoaderStopped extends Error {}

/** A 32-bit mix of small integers, so (seed, epoch, slot) give unrelated Rng streams. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export class TrainLoader {
  readonly n: number;
  /** min(batchSize, n), as upstream. */
  readonly batchSize: number;
  /** Batches per epoch: ceil(n / batchSize) (the last one may be short). */
  readonly nb: number;
  readonly rect: boolean;
  /** Label rows per image (single-cls applied), in dataset order: for class weights and autoanchor. */
  readonly labels: Float32Array[];
  private readonly items: readonly ValItem[];
  private readonly opts: TrainLoaderOptions;
  private readonly cache: Map<number, LoadedImage> | null;
  private readonly inflight = new Map<number, Promise<LoadedImage>>();
  private readonly rectPlan: { order: Int32Array; shapes: [number, number][] } | null;

  constructor(items: readonly ValItem[], opts: TrainLoaderOptions) {
    const { imgSize, batchSize, stride = 32 } = opts;
    if (!items.length) throw new RangeError('TrainLoader: the dataset has no images');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`TrainLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(imgSize) || imgSize < 1) throw new RangeError(`TrainLoader: imgSize must be a positive integer, got ${imgSize}`);
    checkAugmentHyp(opts.hyp);
    this.items = items;
    this.opts = opts;
    this.n = items.length;
    this.batchSize = Math.min(batchSize, this.n);
    this.nb = Math.ceil(this.n / this.batchSize);
    this.rect = !!opts.rect && !opts.imageWeights;
    this.labels = items.map((it) => {
      if (it.labels.length % 5 !== 0) {
        throw new LabelError('label_columns', `${it.labels.length} label values do not form rows of 5`, { file: it.file });
      }
      const rows = Float32Array.from(it.labels);
      if (opts.singleCls) for (let i = 0; i < rows.length; i += 5) rows[i] = 0;
      return rows;
    });
    this.cache = opts.cache instanceof Map ? opts.cache : opts.cache ? new Map() : null;
    this.rectPlan = this.rect
      ? rectBatches(items.map((it) => it.shapeWH), { imgSize, batchSize: this.batchSize, stride, pad: 0 })
      : null;
  }

  /** load_image(i) with augment=True, through the cache when there is one (concurrent requests share a decode). */
  load(i: number): Promise<LoadedImage> {
    const hit = this.cache?.get(i);
    if (hit) return Promise.resolve(hit);
    let p = this.inflight.get(i);
    if (!p) {
      p = this.opts.decode(this.items[i].file).then((img) => {
        const loaded = loadImage(img, this.opts.imgSize, true);
        this.cache?.set(i, loaded);
        return loaded;
      });
      const done = () => this.inflight.delete(i);
      p.then(done, done);
      this.inflight.set(i, p);
    }
    return p;
  }

  /**
   * The epoch's batches in order: which dataset index each slot starts from and each batch's letterbox shape.
   * `indices` (length n) is upstream's dataset.indices for --image-weights.
   */
  planEpoch(epoch: number, indices?: ArrayLike<number>): PlannedBatch[] {
    const { n, batchSize: bs, opts } = this;
    if (indices && indices.length !== n) throw new RangeError(`TrainLoader: ${indices.length} indices for ${n} images`);
    let positions: Int32Array;
    if (this.rectPlan) {
      positions = this.rectPlan.order;
    } else {
      // RandomSampler: a fresh permutation of 0..n-1 per epoch (Fisher-Yates on an epoch-seeded stream)
      const rng = createRng(mixSeed(opts.seed, epoch, 0xffffffff));
      positions = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [positions[i], positions[j]] = [positions[j], positions[i]];
      }
    }
    const batches: PlannedBatch[] = [];
    for (let b = 0; b < this.nb; b++) {
      const slots: number[] = [];
      const idx: number[] = [];
      for (let k = b * bs; k < Math.min(n, (b + 1) * bs); k++) {
        slots.push(k);
        idx.push(indices ? indices[positions[k]] : positions[k]);
      }
      const shapeHW: [number, number] = this.rectPlan ? this.rectPlan.shapes[b] : [opts.imgSize, opts.imgSize];
      batches.push({ slots, indices: idx, shapeHW });
    }
    return batches;
  }

  /**
   * The batches of one epoch (0-based), with `prefetch` batches built ahead. Breaking out of the loop stops the
   * builder and waits for it, so nothing keeps running after the iteration ends.
   */
  epoch(epoch: number, opts: { indices?: ArrayLike<number> } = {}): AsyncGenerator<TrainBatch> {
    return this.iterate(epoch, opts, async (k, b, src, ctl) => {
      const [H, W] = b.shapeHW;
      const images = new Uint8Array(b.slots.length * H * W * 3);
      // Each sample's pixels are drawn as soon as it is planned, so only one sample's loaded images are held.
      const head = await this.planSamples(epoch, k, b, src, ctl, (j, p) => images.set(renderSample(p).data, j * H * W * 3));
      return { ...head, images };
    });
  }

  /**
   * The same batches as epoch() (same seed, same draws, same targets) without drawing the pixels: each sample's plan
   * instead, for augment/gpu's renderBatch. Prefetch plans ahead (and loads the images) as epoch() does.
   */
  epochPlans(epoch: number, opts: { indices?: ArrayLike<number> } = {}): AsyncGenerator<PlannedTrainBatch> {
    return this.iterate(epoch, opts, async (k, b, src, ctl) => {
      const plans: SamplePlan[] = [];
      const head = await this.planSamples(epoch, k, b, src, ctl, (_, p) => plans.push(p));
      return { ...head, plans };
    });
  }

  private async *iterate<T>(
    epoch: number,
    opts: { indices?: ArrayLike<number> },
    build: (k: number, b: PlannedBatch, src: SampleSource, ctl: { stopped: boolean }) => Promise<T>,
  ): AsyncGenerator<T> {
    const plan = this.planEpoch(epoch, opts.indices);
    const source: SampleSource = {
      n: this.n,
      pool: opts.indices ? Int32Array.from(opts.indices) : Int32Array.from({ length: this.n }, (_, i) => i),
      labels: (i) => this.labels[i],
      load: (i) => this.load(i),
    };
    const depth = Math.max(0, Math.floor(this.opts.prefetch ?? 1));
    const ctl = { stopped: false };
    const pending: Promise<T>[] = [];
    let tail: Promise<unknown> = Promise.resolve();
    let next = 0;
    const launch = () => {
      while (next < plan.length && pending.length < depth + 1) {
        const k = next++;
        // Chained: batch k+1 starts when batch k is built, so the batch needed first is never slowed by the next.
        const p = tail.then(() => build(k, plan[k], source, ctl));
        tail = p.catch(() => undefined);
        pending.push(p);
      }
    };
    try {
      launch();
      while (pending.length) {
        const batch = await pending.shift()!;
        launch();
        yield batch;
      }
    } finally {
      ctl.stopped = true;
      await Promise.allSettled(pending);
    }
  }

  /** Plans the batch's samples in order (each from its own Rng), handing each to `each`; returns the rest of the batch. */
  private async planSamples(
    epoch: number,
    k: number,
    b: PlannedBatch,
    src: SampleSource,
    ctl: { stopped: boolean },
    each: (j: number, p: SamplePlan) => void,
  ): Promise<Omit<TrainBatch, 'images'>> {
    const { imgSize, hyp, seed } = this.opts;
    const [H, W] = b.shapeHW;
    const B = b.slots.length;
    const labels: Float32Array[] = [];
    for (let j = 0; j < B; j++) {
      if (ctl.stopped) throw new LoaderStopped();
      const rng = createRng(mixSeed(seed, epoch, b.slots[j]));
      const p = await planTrainSample(b.indices[j], src, { imgSize, hyp, mosaic: !this.rect, shapeHW: b.shapeHW }, rng);
      if (p.width !== W || p.height !== H) {
        throw new RangeError(`TrainLoader: sample ${b.indices[j]} is ${p.width}x${p.height}, batch shape ${W}x${H}`);
      }
      each(j, p);
      labels.push(p.labels);
    }
    return {
      index: k,
      shape: [B, H, W, 3],
      targets: collateTargets(labels),
      files: b.indices.map((i) => this.items[i].file),
      itemIndices: Int32Array.from(b.indices),
    };
  }
}

/** collate_fn's targets: each sample's (n, 5) label rows prefixed with its position in the batch -> (nt, 6). */
export function collateTargets(labels: readonly Float32Array[]): Float32Array {
  const targets = new Float32Array(labels.reduce((n, lb) => n + (lb.length / 5) * 6, 0));
  let o = 0;
  labels.forEach((lb, j) => {
    for (let i = 0; i < lb.length; i += 5, o += 6) {
      targets[o] = j;
      targets.set(lb.subarray(i, i + 5), o + 1);
    }
  });
  return targets;
}
