// Median seconds per YOLOv5 training step (forward + loss + backward + SGD update) on a tfjs backend in Node,
// beside upstream PyTorch's CPU figures for the same shapes (../shared/reference/timing_cpu.json).
import * as tf from '@tensorflow/tfjs';
import { scaleHyp } from '../src/core/loss';
import { buildModel, modelConfig, type ModelName } from '../src/core/model';
import { createRng } from '../src/core/rng';
import { plainSgd, trainStep } from '../src/core/train/step';

export interface StepBenchCase { model: ModelName; img: number; batch: number; iters: number; warmup: number }
export interface StepBenchResult extends StepBenchCase { backend: string; medianS: number; minS: number; imagesPerS: number }

export async function benchTrainStep(c: StepBenchCase): Promise<StepBenchResult> {
  const nc = 3;
  const model = buildModel(modelConfig(c.model), { nc, seed: 0 });
  const hyp = scaleHyp({ box: 0.05, cls: 0.5, obj: 1.0, cls_pw: 1, obj_pw: 1, anchor_t: 4, fl_gamma: 0, label_smoothing: 0 },
    { nc, imgsz: c.img, nl: 3 });
  const rng = createRng(0);
  const images = tf.tidy(() => tf.randomUniform([c.batch, c.img, c.img, 3], 0, 1, 'float32', 0) as tf.Tensor4D);
  const rows: number[] = [];
  // 4 targets per image, as upstream's timing run.
  for (let b = 0; b < c.batch; b++) for (let k = 0; k < 4; k++) {
    rows.push(b, rng.int(nc), rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4));
  }
  const batch = { images, targets: Float32Array.from(rows) };
  const update = plainSgd(0.01);
  const times: number[] = [];
  for (let i = 0; i < c.warmup + c.iters; i++) {
    const t0 = performance.now();
    const items = trainStep(model, batch, hyp, update);
    await items.data(); // the step is done when its loss can be read
    items.dispose();
    if (i >= c.warmup) times.push((performance.now() - t0) / 1000);
  }
  images.dispose();
  model.dispose();
  times.sort((a, b) => a - b);
  const medianS = times[Math.floor(times.length / 2)];
  return { ...c, backend: tf.getBackend(), medianS, minS: times[0], imagesPerS: c.batch / medianS };
}
