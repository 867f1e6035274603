// The Detect head: one 1x1 conv per level producing na*(5+nc) channels, and upstream's eval-mode decode.
import * as tf from '@tensorflow/tfjs';
import type { Registry } from './registry';

export class Detect {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  /** (nl, na, 2) anchors in grid units (pixels / stride), flat; the state_dict's `model.N.anchors`. */
  readonly anchors: { values: Float32Array };
  readonly nl: number;
  readonly no: number;

  constructor(reg: Registry, prefix: string, readonly nc: number, readonly na: number, ch: number[],
    readonly stride: number[], anchorsGrid: number[][][]) {
    this.nl = ch.length;
    this.no = nc + 5;
    // Upstream registers the anchors buffer before the convs, so it comes first in the state_dict.
    this.anchors = reg.anchors(`${prefix}.anchors`, anchorsGrid);
    ch.forEach((c, i) => {
      this.weights.push(reg.convWeight(`${prefix}.m.${i}.weight`, this.no * na, c, 1));
      this.biases.push(reg.convBias(`${prefix}.m.${i}.bias`, this.no * na, c));
    });
  }

  /**
   * Upstream's _initialize_biases: objectness prior of ~8 objects per 640 image, class prior 0.6 / nc. Rounded as
   * torch does it: the stride is a float32 tensor (so 8 / (640 / s)^2 is a float32 before math.log), and adding a
   * Python float to a float32 tensor adds it as a float32.
   */
  initBiases(): void {
    this.biases.forEach((b, i) => {
      const data = b.dataSync().slice();
      const obj = Math.fround(Math.log(Math.fround(8 / Math.fround((640 / this.stride[i]) ** 2))));
      const cls = Math.fround(Math.log(0.6 / (this.nc - 0.99999)));
      for (let a = 0; a < this.na; a++) {
        data[a * this.no + 4] += obj;
        for (let c = 0; c < this.nc; c++) data[a * this.no + 5 + c] += cls;
      }
      tf.tidy(() => b.assign(tf.tensor1d(data)));
    });
  }

  anchorsAt(level: number): number[][] {
    const v = this.anchors.values;
    return Array.from({ length: this.na }, (_, a) => [v[(level * this.na + a) * 2], v[(level * this.na + a) * 2 + 1]]);
  }

  // xs[i]: (B, ny, nx, c_i) -> (B, ny, nx, na, no) raw logits, the layout the loss takes.
  raw(xs: tf.Tensor4D[]): tf.Tensor5D[] {
    return xs.map((x, i) => {
      const y = tf.add(tf.conv2d(x, this.weights[i] as tf.Tensor4D, 1, 0), this.biases[i]);
      const [b, ny, nx] = x.shape;
      return tf.reshape(y, [b, ny, nx, this.na, this.no]) as tf.Tensor5D;
    });
  }

  // raw[i]: (B, ny, nx, na, no) -> (B, sum(na*ny*nx), no) rows [cx, cy, w, h (pixels), obj, cls...] after sigmoid,
  // ordered level -> anchor -> y -> x as upstream.
  decode(raw: tf.Tensor5D[]): tf.Tensor3D {
    const levels = raw.map((r, i) => {
      const [b, ny, nx, na, no] = r.shape;
      // Work in 4-D (B, ny*nx, na, no): tfjs-wasm slices rank-5 tensors on a slow generic path.
      const s = tf.sigmoid(tf.reshape(r, [b, ny * nx, na, no]));
      const stride = this.stride[i];
      const gridData = new Float32Array(ny * nx * 2);
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          gridData[(y * nx + x) * 2] = x - 0.5;
          gridData[(y * nx + x) * 2 + 1] = y - 0.5;
        }
      }
      const grid = tf.tensor(gridData, [1, ny * nx, 1, 2]);
      const anchorPx = tf.tensor(this.anchorsAt(i).flat().map((v) => v * stride), [1, 1, na, 2]);
      const xy = tf.mul(tf.add(tf.mul(tf.slice(s, [0, 0, 0, 0], [-1, -1, -1, 2]), 2), grid), stride);
      const wh = tf.mul(tf.square(tf.mul(tf.slice(s, [0, 0, 0, 2], [-1, -1, -1, 2]), 2)), anchorPx);
      const rest = tf.slice(s, [0, 0, 0, 4], [-1, -1, -1, no - 4]);
      const y = tf.concat([xy, wh, rest], 3);
      return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [b, na * ny * nx, no]);
    });
    return tf.concat(levels, 1) as tf.Tensor3D;
  }
}
