import * as tf from '@tensorflow/tfjs';

// tfjs 4.22 registers no gradient for GatherNd on any backend ("gradient function not found for GatherNd").
// d params = scatterND(indices, dy, params.shape): ScatterNd sums duplicate indices, which is what the
// gradient of a gather with repeated indices needs. Indices are int32 and never on a gradient path
// (tfjs prunes them), so like GatherV2's gradient we hand them back unchanged.
export const gatherNdGradConfig: tf.GradConfig = {
  kernelName: tf.GatherNd,
  inputsToSave: ['params', 'indices'],
  gradFunc: (dy, saved) => {
    const [params, indices] = saved;
    return {
      params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape),
      indices: () => indices,
    };
  },
};

/** Registers the GatherNd gradient unless one is already there (ours, or a future tfjs's own). */
export function installGatherNdGradient(): void {
  if (tf.getGradient(tf.GatherNd) === undefined) tf.registerGradient(gatherNdGradConfig);
}
