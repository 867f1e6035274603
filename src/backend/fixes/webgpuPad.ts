import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { runStock, type KernelFix } from './kernelFix';

// tfjs-backend-webgpu 4.22's PadProgram does not compile for rank 5 ("cannot index type 'vec5'"): the pipeline is
// invalid, the whole command buffer it was recorded in is dropped, and nothing throws. Training hits it through the
// gradient of slices of the loss's (B, na, H, W, no) tensors. Adjacent axes without padding are merged (a reshape
// costs nothing on webgpu), which brings every such pad to rank <= 4 for the stock kernel; a pad that still needs
// rank 5 (padding on 5 separate axes) is refused loudly instead of silently dropped.

const pad: tf.KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const backend = args.backend as WebGPUBackend;
  const x = inputs.x as tf.TensorInfo;
  const { paddings, constantValue } = attrs as unknown as tf.PadV2Attrs;
  if (x.shape.length <= 4) return runStock(webgpuPadFix, args);
  // Merge axis i into the previous group when neither it nor that group is padded.
  const shape: number[] = [];
  const pads: [number, number][] = [];
  x.shape.forEach((n, i) => {
    const [a, b] = paddings[i];
    const last = pads.length - 1;
    if (last >= 0 && a === 0 && b === 0 && pads[last][0] === 0 && pads[last][1] === 0) shape[last] *= n;
    else {
      shape.push(n);
      pads.push([a, b]);
    }
  });
  if (shape.length > 4) {
    throw new Error(`PadV2 (webgpu fix): rank ${x.shape.length} with paddings ${JSON.stringify(paddings)} cannot be reduced to rank 4`);
  }
  const reshape = tf.getKernel('Reshape', 'webgpu')!.kernelFunc;
  const flat = reshape({ inputs: { x }, backend, attrs: { shape } }) as tf.TensorInfo;
  const padded = runStock(webgpuPadFix, { inputs: { x: flat }, backend, attrs: { paddings: pads, constantValue } }) as tf.TensorInfo;
  const outShape = x.shape.map((n, i) => n + paddings[i][0] + paddings[i][1]);
  const out = reshape({ inputs: { x: padded }, backend, attrs: { shape: outShape } }) as tf.TensorInfo;
  backend.disposeData(flat.dataId);
  backend.disposeData(padded.dataId);
  return out;
};

export const webgpuPadFix: KernelFix = { kernelName: 'PadV2', backendName: 'webgpu', kernelFunc: pad };
