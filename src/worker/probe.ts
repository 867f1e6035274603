// The smoke probe: build yolov5n from a seed and run one eval forward on a seeded input, on whatever tfjs backend
// is active. No `self`, no DOM: the worker runs it in the browser and the e2e test runs the very same function in
// Node on cpu, so a mismatch between the two can only come from the backend.
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../core/model';
import { MODEL_CONFIGS } from '../core/model/configs';
import { createRng } from '../core/rng';

export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ProbeOptions {
  /** Square input size in pixels; the model rejects sizes that are not a multiple of its max stride. */
  img: number;
  /** Seeds both the weights and the input. */
  seed: number;
  /** Number of classes of the built model (80 = COCO). */
  nc?: number;
}

export interface ProbeOutput {
  /** (B, N, 5+nc) */
  shape: number[];
  data: Float32Array;
  /** Forward plus readback, milliseconds. */
  ms: number;
}

/** A (1, img, img, 3) NHWC input in [0, 1), filled row-major from createRng(seed ^ 0x5eed) so it differs from the weights' stream. */
export function probeInput(img: number, seed: number): tf.Tensor4D {
  const rng = createRng((seed ^ 0x5eed) >>> 0);
  const values = new Float32Array(img * img * 3);
  for (let i = 0; i < values.length; i++) values[i] = rng.next();
  return tf.tensor4d(values, [1, img, img, 3]);
}

export async function runProbe({ img, seed, nc = 80 }: ProbeOptions): Promise<ProbeOutput> {
  if (!Number.isInteger(img) || img <= 0) throw new ProbeError('BAD_PROBE', `probe img must be a positive integer, got ${img}`);
  if (!Number.isInteger(seed)) throw new ProbeError('BAD_PROBE', `probe seed must be an integer, got ${seed}`);
  const model = buildModel(MODEL_CONFIGS.yolov5n, { nc, seed });
  const x = probeInput(img, seed);
  try {
    const t0 = performance.now();
    const y = tf.tidy(() => model.forwardEval(x)); // (1, N, 5+nc) decoded
    try {
      const data = (await y.data()) as Float32Array;
      return { shape: y.shape.slice(), data, ms: performance.now() - t0 };
    } finally {
      y.dispose();
    }
  } finally {
    x.dispose();
    model.dispose();
  }
}
