import * as tf from '@tensorflow/tfjs';

// Speed: tfjs 4.22's gradients of Mean and Sum build dx as dy * ones(x.shape) (/ n): a ones tensor the size of
// x is filled in JS and uploaded, then multiplied. Batch-norm moments take two means over every activation,
// so a yolov5n training step at 256 px, batch 16 spent ~0.2 s filling ones alone, plus a full-size Multiply
// and RealDiv per mean. Broadcasting dy (/ n) to x's shape gives the same float32 values (x * 1 is exact,
// and each element is still divided by n exactly once) from one Tile. Gradients are per kernel, not per
// backend, so this holds on every backend.

function expandedDy(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const shape = x.shape.slice();
  for (const a of tf.util.parseAxisParam(axis, x.shape)) shape[a] = 1;
  return tf.reshape(dy, shape);
}

export const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { axis } = attrs as unknown as tf.MeanAttrs;
    const n = tf.util.parseAxisParam(axis, x.shape).reduce((p, a) => p * x.shape[a], 1);
    return { x: () => tf.broadcastTo(tf.div(expandedDy(dy as tf.Tensor, x, axis), n), x.shape) };
  },
};

export const sumGradConfig: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { axis } = attrs as unknown as tf.SumAttrs;
    return { x: () => tf.broadcastTo(tf.cast(expandedDy(dy as tf.Tensor, x, axis), 'float32'), x.shape) };
  },
};

/** Registers both gradients in place of tfjs's; a no-op when they are already ours. */
export function installReduceGradients(): void {
  for (const config of [meanGradConfig, sumGradConfig]) {
    if (tf.getGradient(config.kernelName) !== config) tf.registerGradient(config);
  }
}
