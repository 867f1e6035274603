// train.py's learning-rate and momentum schedule as pure functions: the LambdaLR factor lf(epoch) (linear or
// one-cycle cosine), and per iteration the warmup interpolation, the accumulate ramp and whether the optimizer
// steps. Group order is upstream's param_groups: 0 biases, 1 decayed weights, 2 BN weights.
import { NBS, pyRound, type ParamGroup } from './paramGroups';

export type LrLambda = (epoch: number) => number;

/** Linear: lf(x) = (1 - x / epochs) * (1 - lrf) + lrf, 1 at epoch 0 down to lrf at `epochs`. */
export function linearLf(epochs: number, lrf: number): LrLambda {
  return (x) => (1 - x / epochs) * (1.0 - lrf) + lrf;
}

/** Upstream one_cycle(y1, y2, steps): ((1 - cos(x * pi / steps)) / 2) * (y2 - y1) + y1. */
export function oneCycle(y1: number, y2: number, steps: number): LrLambda {
  return (x) => ((1 - Math.cos((x * Math.PI) / steps)) / 2) * (y2 - y1) + y1;
}

/** train.py's lf: one_cycle(1, lrf, epochs) with --cos-lr, else linear. */
export function lrLambda(opts: { cos_lr: boolean; epochs: number; lrf: number }): LrLambda {
  return opts.cos_lr ? oneCycle(1, opts.lrf, opts.epochs) : linearLf(opts.epochs, opts.lrf);
}

/** LambdaLR's lr for a group once it has stepped to last_epoch = `epoch`. */
export function schedulerLr(initialLr: number, lf: LrLambda, epoch: number): number {
  return initialLr * lf(epoch);
}

/** Warmup length in iterations: max(round(warmup_epochs * nb), 100) (Python round: half to even). */
export function warmupIterations(warmupEpochs: number, nb: number): number {
  return Math.max(pyRound(warmupEpochs * nb), 100);
}

/** np.interp on two points with numpy's branch structure (x == xp1 returns fp1 exactly). */
function interp2(x: number, x0: number, x1: number, y0: number, y1: number): number {
  if (x <= x0) return y0;
  if (x >= x1) return y1;
  return ((y1 - y0) / (x1 - x0)) * (x - x0) + y0;
}

export interface ScheduleConfig {
  /** batches per epoch */
  nb: number;
  /** warmup iterations (warmupIterations) */
  nw: number;
  batchSize: number;
  /** nominal batch size, 64 */
  nbs?: number;
  lf: LrLambda;
  /** each group's initial_lr (LambdaLR's base lr), upstream group order */
  initialLr: readonly number[];
  warmup_bias_lr: number;
  warmup_momentum: number;
  momentum: number;
  /**
   * Whether the groups have a 'momentum' key (SGD). Adam/AdamW groups hold 'betas' instead, and upstream's
   * warmup only touches x['momentum'] `if 'momentum' in x`, so their beta1 stays put.
   */
  hasMomentum: boolean;
}

export interface IterationSchedule {
  /** integrated batch index i + nb * epoch */
  ni: number;
  warmup: boolean;
  /** lr of each group for this iteration's optimizer step */
  lr: number[];
  /** momentum of every group this iteration, or null when the optimizer has none (Adam/AdamW) */
  momentum: number | null;
  accumulate: number;
  /** ni - lastOptStep >= accumulate: the optimizer steps after this batch's backward */
  step: boolean;
}

/**
 * One iteration of train.py's loop, before forward. Warmup (ni <= nw) interpolates each group's lr from
 * warmup_bias_lr (group 0) or 0 (others) to initial_lr * lf(epoch), momentum from warmup_momentum to momentum, and
 * accumulate from 1 to nbs / batch_size (numpy round: half to even).
 *
 * After warmup the groups keep what was last written to them. The rest of the epoch in which warmup ended keeps
 * warmup's end point initial_lr * lf(epoch). Later epochs have LambdaLR's value, and that lags one epoch: train.py
 * sets scheduler.last_epoch = start_epoch - 1 after construction and steps at each epoch end, so during epoch e
 * the lr is initial_lr * lf(e - 1) (a resumed run loads exactly that lr with the optimizer state). accumulate
 * stays at warmup's end value max(round(nbs / batch_size), 1).
 *
 * `lastOptStep` is the ni of the last optimizer step (-1 at the start of a run, also after a resume).
 */
export function iterationSchedule(cfg: ScheduleConfig, epoch: number, i: number, lastOptStep: number): IterationSchedule {
  const nbs = cfg.nbs ?? NBS;
  const ni = i + cfg.nb * epoch;
  const warmup = ni <= cfg.nw;
  let lr: number[];
  let momentum: number | null = cfg.hasMomentum ? cfg.momentum : null;
  let accumulate: number;
  if (warmup) {
    accumulate = Math.max(1, pyRound(interp2(ni, 0, cfg.nw, 1, nbs / cfg.batchSize)));
    lr = cfg.initialLr.map((base, j) => interp2(ni, 0, cfg.nw, j === 0 ? cfg.warmup_bias_lr : 0.0, base * cfg.lf(epoch)));
    if (cfg.hasMomentum) momentum = interp2(ni, 0, cfg.nw, cfg.warmup_momentum, cfg.momentum);
  } else {
    accumulate = Math.max(pyRound(nbs / cfg.batchSize), 1);
    const warmupEndedThisEpoch = Math.floor(cfg.nw / cfg.nb) === epoch;
    const lfEpoch = warmupEndedThisEpoch ? epoch : Math.max(epoch - 1, 0);
    lr = cfg.initialLr.map((base) => schedulerLr(base, cfg.lf, lfEpoch));
  }
  return { ni, warmup, lr, momentum, accumulate, step: ni - lastOptStep >= accumulate };
}

/** Writes an iteration's lr (and momentum, if any) into the optimizer's groups, as train.py does to param_groups. */
export function applySchedule(groups: ParamGroup[], s: IterationSchedule): void {
  groups.forEach((g, j) => {
    g.lr = s.lr[j];
    if (s.momentum !== null) g.momentum = s.momentum;
  });
}

/**
 * The lr results.csv logs for an epoch (x/lr0, x/lr1, x/lr2): the groups' lr after the epoch's last batch, read
 * before scheduler.step().
 */
export function epochEndLr(cfg: ScheduleConfig, epoch: number): number[] {
  return iterationSchedule(cfg, epoch, cfg.nb - 1, -1).lr;
}
