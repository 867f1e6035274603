// The training loop: upstream YOLOv5 v7.0 train.py from its first batch to its stripped best.pt, as one async
// function that yields typed events. The browser worker and the Node CLI run this same code; where the events go
// (IndexedDB, files, charts, a progress bar) is theirs to decide.
import * as tf from '@tensorflow/tfjs';
import { labelsToClassWeights, labelsToImageWeights, multiScaleShape, multiScaleSize, weightedChoices } from './data/augment';
import { mixSeed, TrainLoader } from './data/trainLoader';
import { YoloError } from './errors';
import { stripCheckpoint, writeCheckpoint, type CheckpointInput, type Plain } from './io';
import { computeLoss } from './loss';
import { uint8ToTensor } from './imageTensor';
import { fitness } from './metrics';
import { applySchedule, clipAndStep, GradAccumulator, iterationSchedule, schedulerLr } from './optim';
import { createRng } from './rng';
import { checkpointInput } from './train/checkpoint';
import { EarlyStopping } from './train/earlyStopping';
import type { EpochRow } from './train/results';
import { setupTraining } from './train/setup';
import { trainStep } from './train/step';
import type { TrainEvent, TrainInputs } from './train/types';
import { runVal, type ValResult } from './val';
import { loadWeights } from './weights';

export class TrainError extends YoloError {}

/** Step events at most this often (each one reads the running losses back from the device). */
const STEP_EVENT_MS = 250;
/** Val images whose boxes each epoch's ValResult keeps for a gallery (the first of the val set, the same every epoch). */
const VAL_GALLERY = 6;

export async function* train(inputs: TrainInputs): AsyncGenerator<TrainEvent> {
  const { options: opt, data } = inputs;
  const s = setupTraining(inputs);
  const { model, ema, optimizer, lossHyp, imgsz, gs } = s;
  const nc = model.nc;
  const names = opt.single_cls ? ['item'] : data.names;
  for (const text of s.warnings) yield { type: 'warning', text };
  for (const text of s.logs) yield { type: 'log', text };

  const loader = new TrainLoader(data.train, {
    imgSize: imgsz, batchSize: opt.batch_size, stride: gs, hyp: s.hyp, rect: opt.rect,
    imageWeights: opt.image_weights, singleCls: opt.single_cls, seed: opt.seed, decode: data.decode,
    cache: opt.cache !== null,
  });
  const classWeights = labelsToClassWeights(loader.labels, nc).map((w) => w * nc);
  const valLossFn = (raw: tf.Tensor5D[], targets: Float32Array) =>
    computeLoss(raw, targets, { anchors: ema.ema.anchorGrid(), nc, hyp: lossHyp }).lossItems;
  const ckptMeta = { names, hyp: s.hyp as unknown as Record<string, Plain>, opt: { ...opt, hyp: inputs.hyp } as unknown as Record<string, Plain> };

  yield { type: 'log', text: `Image sizes ${imgsz} train, ${imgsz} val` };
  yield { type: 'log', text: `Starting training for ${opt.epochs} epochs...` };

  const stopper = new EarlyStopping(opt.patience);
  const acc = new GradAccumulator();
  let maps: Float64Array = new Float64Array(nc);
  let results: [number, number, number, number, number, number, number] = [0, 0, 0, 0, 0, 0, 0];
  let bestFitness = s.bestFitness;
  let lastOptStep = s.lastOptStep;
  let lastInput: CheckpointInput | null = null;
  let bestInput: CheckpointInput | null = null;
  let epoch = s.startEpoch;
  let stoppedEarly = false;
  /** Stopped by the user (control hook): last.pt stays unstripped so the run can be resumed. */
  let userStopped = false;
  /** Sum of the epoch's loss items, on the device (one readback per step event, not per batch). */
  let mlossSum: tf.Tensor1D | null = null;
  try {
    for (; epoch < opt.epochs; epoch++) {
      let indices: Int32Array | undefined;
      if (opt.image_weights) {
        // Classes the model does worse on (low mAP) are drawn more often.
        const cw = Array.from(classWeights, (w, c) => (w * (1 - maps[c]) ** 2) / nc);
        indices = weightedChoices(createRng(mixSeed(opt.seed, epoch, 0x1a6e)), labelsToImageWeights(loader.labels, nc, cw), loader.n);
      }
      const scaleRng = createRng(mixSeed(opt.seed, epoch, 0x5ca1e));
      mlossSum = tf.zeros([3]) as tf.Tensor1D;
      let lastEmit = 0;
      const t0 = performance.now();
      acc.reset(); // optimizer.zero_grad() at every epoch start
      for await (const batch of loader.epoch(epoch, { indices })) {
        const i = batch.index;
        if (inputs.control && (await inputs.control()) === 'stop') {
          userStopped = true;
          break;
        }
        const sch = iterationSchedule(s.schedule, epoch, i, lastOptStep);
        applySchedule(optimizer.groups, sch);
        let x = uint8ToTensor(batch.images, batch.shape);
        if (opt.multi_scale) {
          const ns = multiScaleShape(multiScaleSize(scaleRng, imgsz, gs), [batch.shape[1], batch.shape[2]], gs);
          if (ns) {
            const resized = tf.image.resizeBilinear(x, ns, false, true);
            x.dispose();
            x = resized;
          }
        }
        const items = trainStep(model, { images: x, targets: batch.targets }, lossHyp, (grads) => acc.add(grads));
        x.dispose();
        if (sch.step) {
          clipAndStep(optimizer, acc).dispose();
          ema.update();
          lastOptStep = sch.ni;
        }
        const sum = tf.add(mlossSum!, items) as tf.Tensor1D;
        tf.dispose([mlossSum!, items]);
        mlossSum = sum;
        const now = performance.now();
        if (now - lastEmit >= STEP_EVENT_MS || i === loader.nb - 1) {
          lastEmit = now;
          const m = Array.from(await mlossSum.data(), (v) => v / (i + 1)) as [number, number, number];
          if (!m.every(Number.isFinite)) {
            throw new TrainError('loss_not_finite', `loss became ${m.join(', ')} at epoch ${epoch}, batch ${i}: training stopped (last.pt keeps the last good epoch)`);
          }
          yield {
            type: 'step', epoch, epochs: opt.epochs, batch: i, nb: loader.nb, mloss: m,
            instances: batch.targets.length / 6, size: x.shape[1], lr: optimizer.groups.map((g) => g.lr),
            itPerSec: (i + 1) / ((now - t0) / 1000),
          };
        }
      }
      const mloss = Array.from(await mlossSum.data(), (v) => v / loader.nb) as [number, number, number];
      mlossSum.dispose();
      mlossSum = null;
      if (userStopped) break;
      const lr = optimizer.groups.map((g) => g.lr) as [number, number, number];
      // scheduler.step(): the groups now hold initial_lr * lf(epoch), so checkpoints store the lr the next epoch
      // starts from, as upstream's do (the next batch's schedule overwrites it anyway).
      for (const g of optimizer.groups) g.lr = schedulerLr(g.initial_lr, s.schedule.lf, epoch);

      const finalEpoch = epoch + 1 === opt.epochs || stopper.possibleStop;
      let val: ValResult | null = null;
      if (!opt.noval || finalEpoch) {
        val = await runVal(ema.ema, data.val, data.decode, names, {
          imgsz, batchSize: opt.batch_size * 2, singleCls: opt.single_cls, lossFn: valLossFn, gallery: VAL_GALLERY,
        });
        results = [val.P, val.R, val.mAP50, val.mAP50_95, ...val.lossItems!];
        maps = val.summary.maps;
      }
      const fi = fitness(results[0], results[1], results[2], results[3]);
      const stop = stopper.update(epoch, fi);
      if (fi > bestFitness) bestFitness = fi;
      const row: EpochRow = {
        epoch, train: mloss, metrics: [results[0], results[1], results[2], results[3]], val: [results[4], results[5], results[6]], lr,
      };
      yield { type: 'epoch', row, fitness: fi, bestFitness, isBest: bestFitness === fi, val };

      // As upstream: with --nosave only the final epoch is saved, and an evolve generation saves nothing.
      if (!opt.nosave || (finalEpoch && opt.evolve === null)) {
        lastInput = await checkpointInput({ epoch, bestFitness, model, ema, optimizer, lastOptStep, ...ckptMeta });
        const bytes = writeCheckpoint(lastInput);
        yield { type: 'checkpoint', kind: 'last', epoch, name: 'last.pt', bytes };
        if (bestFitness === fi) {
          bestInput = lastInput;
          yield { type: 'checkpoint', kind: 'best', epoch, name: 'best.pt', bytes };
        }
        if (opt.save_period > 0 && epoch % opt.save_period === 0) {
          yield { type: 'checkpoint', kind: 'epoch', epoch, name: `epoch${epoch}.pt`, bytes };
        }
      }
      if (stop) {
        yield { type: 'log', text: stopper.message(epoch) };
        stoppedEarly = true;
        break;
      }
      // Between epochs too (not after the last: a finished run has nothing left to resume), so a pause asked for
      // during an epoch's last batches or its validation takes effect here, with this epoch's last.pt stored.
      if (inputs.control && epoch + 1 < opt.epochs && (await inputs.control()) === 'stop') {
        userStopped = true;
        epoch += 1; // this epoch is complete: epochsRun counts it
        break;
      }
    }

    // strip_optimizer on last.pt and best.pt, then validate best.pt as upstream does (not after a user's stop:
    // that run is unfinished, and its last.pt must stay resumable).
    let final: ValResult | null = null;
    for (const [kind, input] of userStopped ? [] : [['last', lastInput], ['best', bestInput]] as const) {
      if (!input) continue;
      const bytes = writeCheckpoint({ ...stripCheckpoint(input), extra: undefined });
      yield { type: 'checkpoint', kind, epoch: -1, name: `${kind}.pt`, bytes };
      if (kind === 'best') {
        yield { type: 'log', text: 'Validating best.pt...' };
        const w = loadWeights(bytes, 'best.pt');
        try {
          final = await runVal(w.model, data.val, data.decode, names, { imgsz, batchSize: opt.batch_size * 2, singleCls: opt.single_cls });
        } finally {
          w.model.dispose();
        }
      }
    }
    yield { type: 'done', epochsRun: epoch - s.startEpoch, bestFitness, stoppedEarly, userStopped, final };
  } finally {
    mlossSum?.dispose();
    acc.reset();
    optimizer.dispose();
    ema.dispose();
    model.dispose();
  }
}
