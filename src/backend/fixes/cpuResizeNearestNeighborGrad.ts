import * as tf from '@tensorflow/tfjs';
import type { KernelFix } from './kernelFix';

// tfjs 4.22's cpu ResizeNearestNeighborGrad indexes dy with the *input's* batch stride, so every batch item
// after the first reads the wrong dy (and it ignores halfPixelCenters). We scatter dy back through the exact
// source indices the cpu forward uses: dx[b, src(r), src(c), d] += dy[b, r, c, d]. For YOLOv5's nn.Upsample
// (2x, alignCorners=false, halfPixelCenters=false) src(r) = floor(r / 2).

/** The subset of MathBackendCPU we use (the cpu package is not a direct dependency). */
interface CpuBackend {
  data: { get(dataId: tf.DataId): { values?: tf.backend_util.BackendValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): tf.TensorInfo;
}

/** Source index per output index along one axis, as tfjs-backend-cpu's ResizeNearestNeighbor computes it. */
export function nearestSourceIndices(
  outSize: number,
  inSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): Int32Array {
  const corners = alignCorners && outSize > 1;
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize);
  const src = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    let s = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
    if (halfPixelCenters) s = Math.max(0, s);
    src[i] = s;
  }
  return src;
}

const resizeNearestNeighborGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as CpuBackend;
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeNearestNeighborGradAttrs;
  const [batch, xH, xW, depth] = images.shape; // (B, xH, xW, C) NHWC
  const [, yH, yW] = dy.shape; // (B, yH, yW, C)
  const rows = nearestSourceIndices(yH, xH, alignCorners, halfPixelCenters);
  const cols = nearestSourceIndices(yW, xW, alignCorners, halfPixelCenters);
  const dyv = cpu.data.get(dy.dataId).values as tf.backend_util.TypedArray;
  const dx = new Float32Array(batch * xH * xW * depth);
  scatterNearestGrad(dyv, dx, batch, xH, xW, depth, rows, cols);
  return cpu.makeTensorInfo(images.shape, 'float32', dx);
};

export const cpuResizeNearestNeighborGradFix: KernelFix = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: resizeNearestNeighborGrad,
};

/**
 * dx[b, rows[r], cols[c], :] += dy[b, r, c, :] for every output pixel: the gradient of a nearest-neighbour resize.
 * Shared by the cpu and wasm kernels; `dx` must start zeroed.
 */
export function scatterNearestGrad(dy: ArrayLike<number>, dx: Float32Array, batch: number, xH: number, xW: number,
  depth: number, rows: ArrayLike<number>, cols: ArrayLike<number>): void {
  let o = 0; // walks dy in memory order
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < rows.length; r++) {
      const rowBase = (b * xH + rows[r]) * xW;
      for (let c = 0; c < cols.length; c++) {
        const base = (rowBase + cols[c]) * depth;
        for (let d = 0; d < depth; d++) dx[base + d] += dy[o++];
      }
    }
  }
}
