// A YOLOv5 model built from a config (yaml rows as data), running NHWC on any tfjs backend.
import * as tf from '@tensorflow/tfjs';
import { ModelConfigError, ShapeError } from '../errors';
import { TorchGenerator } from '../torchGenerator';
import type { ModelConfig } from './configs';
import { Detect } from './detect';
import { C3, Conv, SPPF, Upsample, type Block } from './layers';
import { Registry, type StateEntry } from './registry';
import { resolveModel, type ResolvedModel } from './spec';
import { applyStateDict, readStateDict, type StateDict } from './stateDict';

export interface BuildOptions {
  /** Number of classes; overrides the config's nc. */
  nc?: number;
  /** Seed for the weight initialisation. */
  seed?: number;
}

export class YoloModel {
  readonly resolved: ResolvedModel;
  readonly stride: number[];
  readonly detect: Detect;
  private readonly registry: Registry;
  private readonly blocks: (Block | null)[];
  /** Layers whose outputs a later layer reads (upstream's `save`). */
  private readonly save: Set<number>;

  constructor(readonly cfg: ModelConfig, opts: BuildOptions = {}) {
    this.resolved = resolveModel(cfg, opts.nc);
    const { layers, na, nc, anchorsPx } = this.resolved;
    // torch.manual_seed(seed) then Model(): the same seed gives upstream's initial weights, bit for bit.
    this.registry = new Registry(new TorchGenerator(opts.seed ?? 0));
    this.stride = probeStrides(this.resolved, cfg.name);
    this.save = new Set(layers.flatMap((l) => l.inputs.filter((j) => j !== l.index - 1 && j >= 0)));
    let detect: Detect | undefined;
    this.blocks = layers.map((l) => {
      const prefix = `model.${l.index}`;
      switch (l.kind) {
        case 'Conv': return new Conv(this.registry, prefix, l.conv!.c1, l.conv!.c2, l.conv!.k, l.conv!.s, l.conv!.p);
        case 'C3': return new C3(this.registry, prefix, l.c3!);
        case 'SPPF': return new SPPF(this.registry, prefix, l.sppf!);
        case 'Upsample': return new Upsample(l.upsample!.scale);
        case 'Concat': return null;
        case 'Detect': {
          const grid = orderAnchors(anchorsPx, this.stride).map((lvl, i) => lvl.map(([w, h]) => [w / this.stride[i], h / this.stride[i]]));
          detect = new Detect(this.registry, prefix, nc, na, l.detect!.ch, this.stride, grid);
          return null;
        }
      }
    });
    this.detect = detect!;
    this.detect.initBiases();
  }

  get nc(): number { return this.resolved.nc; }
  get maxStride(): number { return Math.max(...this.stride); }
  get entries(): readonly StateEntry[] { return this.registry.entries; }
  /** (nl, na, 2) anchors in grid units, the form the loss takes. */
  anchorGrid(): number[][][] { return this.stride.map((_, i) => this.detect.anchorsAt(i)); }

  /** Parameters that take gradients (not frozen), in upstream parameter order. */
  trainableVariables(): tf.Variable[] {
    return this.registry.entries
      .filter((e) => (e.kind === 'conv_weight' || e.kind === 'param') && e.variable!.trainable)
      .map((e) => e.variable!);
  }

  parameterCount(): number {
    return this.registry.entries
      .filter((e) => e.kind === 'conv_weight' || e.kind === 'param')
      .reduce((n, e) => n + e.torchShape.reduce((a, b) => a * b, 1), 0);
  }

  /** Train mode: per level raw logits (B, ny, nx, na, 5+nc); BatchNorm uses and updates batch statistics. */
  forwardTrain(x: tf.Tensor4D): tf.Tensor5D[] {
    return this.detect.raw(this.features(x, true));
  }

  /** Eval mode: decoded (B, N, 5+nc) rows [cx, cy, w, h (pixels), obj, cls...], as upstream's first output. */
  forwardEval(x: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => this.detect.decode(this.detect.raw(this.features(x, false))));
  }

  /** Eval mode with the raw per-level logits too (upstream's `(decoded, raw)`). */
  forwardEvalRaw(x: tf.Tensor4D): { decoded: tf.Tensor3D; raw: tf.Tensor5D[] } {
    const raw = tf.tidy(() => this.detect.raw(this.features(x, false)));
    const decoded = tf.tidy(() => this.detect.decode(raw));
    return { decoded, raw };
  }

  // x: (B, H, W, 3) NHWC in [0, 1] -> the Detect layer's inputs, one (B, H/s, W/s, C) per level.
  private features(x: tf.Tensor4D, train: boolean): tf.Tensor4D[] {
    const [, h, w, c] = x.shape;
    const s = this.maxStride;
    if (c !== 3) throw new ShapeError('bad_input', `input must be (B, H, W, 3) NHWC, got channels ${c}`);
    if (h % s !== 0 || w % s !== 0) {
      throw new ShapeError('bad_input_size', `input size ${h}x${w} is not a multiple of the max stride ${s}`);
    }
    const outputs: (tf.Tensor4D | undefined)[] = [];
    let prev: tf.Tensor4D = x;
    const layers = this.resolved.layers;
    for (let i = 0; i < layers.length - 1; i++) {
      const l = layers[i];
      const input = (j: number) => (j === -1 ? x : j === i - 1 ? prev : outputs[j]!);
      const block = this.blocks[i];
      prev = block ? block.apply(input(l.inputs[0]), train) : tf.concat(l.inputs.map(input), 3);
      if (this.save.has(i)) outputs[i] = prev;
    }
    const det = layers[layers.length - 1];
    return det.inputs.map((j) => (j === layers.length - 2 ? prev : outputs[j]!));
  }

  /**
   * Load upstream-layout tensors (NCHW/OIHW); every key must be present with its exact shape, or with
   * `strict: false` only the keys given (each still with its exact shape).
   */
  loadStateDict(sd: StateDict, file = 'state_dict', { strict = true } = {}): void {
    applyStateDict(this.registry.entries, sd, file, strict);
  }

  /** This model's tensors in upstream layout and key order. */
  async stateDict(): Promise<StateDict> {
    return readStateDict(this.registry.entries);
  }

  dispose(): void {
    this.registry.dispose();
  }
}

export function buildModel(cfg: ModelConfig, opts: BuildOptions = {}): YoloModel {
  return new YoloModel(cfg, opts);
}

/**
 * Upstream's stride probe runs a 256 px image through the model and reads off each level's grid. The same
 * numbers follow from the layers' geometry alone: each Conv multiplies the input's stride by its own, an Upsample
 * divides it. (The probe's one train-mode forward on zeros also left every BN with running_var 0.9 and
 * num_batches_tracked 1; BatchNorm2d starts from that state.)
 */
export function probeStrides(m: ResolvedModel, file?: string): number[] {
  const strides: number[] = [];
  for (const l of m.layers) {
    const ins = l.inputs.map((j) => (j === -1 ? 1 : strides[j]));
    if (l.kind === 'Concat' && ins.some((s) => s !== ins[0])) {
      throw new ModelConfigError('bad_layer', `layer ${l.index}: Concat joins maps of different strides (${ins.join(', ')})`, { file });
    }
    const s = l.kind === 'Conv' ? ins[0] * l.conv!.s : l.kind === 'Upsample' ? ins[0] / l.upsample!.scale : ins[0];
    strides.push(s);
  }
  return m.layers[m.layers.length - 1].inputs.map((j) => strides[j]);
}

/** Upstream's check_anchor_order: anchor areas must grow with stride, else the levels are flipped. */
function orderAnchors(anchorsPx: number[][][], stride: number[]): number[][][] {
  const area = (lvl: number[][]) => lvl.reduce((s, [w, h]) => s + w * h, 0) / lvl.length;
  const da = area(anchorsPx[anchorsPx.length - 1]) - area(anchorsPx[0]);
  const ds = stride[stride.length - 1] - stride[0];
  return da !== 0 && Math.sign(da) !== Math.sign(ds) ? [...anchorsPx].reverse() : anchorsPx;
}
