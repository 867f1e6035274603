// augment_hsv as tensor ops: RGB -> HSV -> per-sample LUT -> RGB on integer-valued float32 pixels, reproducing the
// CPU path (OpenCV 4.6's 8-bit conversions, hsv.ts) for widths that are a multiple of 32:
//   - RGB -> HSV is OpenCV's fixed point, (x * tab[d] + 2^11) >> 12. Every product stays below 2^24 (|h numerator| <=
//     5 * diff and tab ~ 122880 / diff; diff * sdiv[v] <= ~255 * 4096), so float32 holds it exactly, and the shift is
//     an exact multiply by 2^-12 and floor;
//   - the LUTs are upstream's (hsvLuts, on the host) gathered per sample;
//   - HSV -> RGB is the vector loop's arithmetic: trunc(V*255) and trunc(V*(1-S)*255) come from tables, the third
//     value is trunc(f32(f32(V * K) * 255)) with OpenCV's own K table, and float32 products round the same on every
//     backend (IEEE multiply).
// OpenCV's scalar tail (the last width % 32 pixels of a row, round-half-even and unfused K3) is not reproduced: its
// pixels may differ by one level. Training sizes are multiples of the stride 32, so it does not arise there.
import * as tf from '@tensorflow/tfjs';
import { hsvLuts } from '../hsv';
import { HDIV, K2, K3F, O0, O1, SDIV, SECTOR, VF, vectorSectorTables } from '../hsvTables';

interface HsvTables {
  backend: string;
  sdiv: tf.Tensor1D;
  hdiv: tf.Tensor1D;
  vf: tf.Tensor1D;
  o0: tf.Tensor1D;
  o1: tf.Tensor1D;
  /** (180 * 256): K2 for odd sectors, fused K3 for even ones (the one factor each sector uses besides V and 1-S). */
  kx: tf.Tensor1D;
  /** (180): output channel (0 R, 1 G, 2 B) of V and of V*(1-S), by hue. */
  pos0: tf.Tensor1D;
  pos1: tf.Tensor1D;
}

let cached: HsvTables | null = null;

/** The constant tables on the current backend, built once per backend and kept (about 0.5 MB). */
function tables(): HsvTables {
  const backend = tf.getBackend();
  if (cached && cached.backend === backend) return cached;
  if (cached) tf.dispose(Object.values(cached).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
  const kx = new Float32Array(180 * 256);
  for (let h = 0; h < 180; h++) kx.set((SECTOR[h] % 2 ? K2 : K3F).subarray(h * 256, h * 256 + 256), h * 256);
  const { pos0, pos1 } = vectorSectorTables();
  const t = tf.tidy(() => ({
    sdiv: tf.tensor1d(Float32Array.from(SDIV)),
    hdiv: tf.tensor1d(Float32Array.from(HDIV)),
    vf: tf.tensor1d(VF),
    o0: tf.tensor1d(Float32Array.from(O0)),
    o1: tf.tensor1d(Float32Array.from(O1)),
    kx: tf.tensor1d(kx),
    pos0: tf.tensor1d(Float32Array.from(pos0)),
    pos1: tf.tensor1d(Float32Array.from(pos1)),
  }));
  Object.values(t).forEach((v) => tf.keep(v));
  cached = { backend, ...t };
  return cached;
}

/** Drop the cached tables (tests that count tensors, or a backend about to be removed). */
export function disposeHsvTables(): void {
  if (cached) tf.dispose(Object.values(cached).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
  cached = null;
}

const SHIFT = 2 ** -12;
const HALF = 2048;

/** Index math stays in float32 (exact below 2^24; broadcast int32 adds are slow on wasm), cast once per gather. */
const at = (table: tf.Tensor1D, index: tf.Tensor) => tf.gather(table, tf.cast(index, 'int32'));

/**
 * (B, H, W, 3) float32 RGB with integer values 0..255 -> the same after augment_hsv with gains[b] for sample b; a
 * sample whose gains are null passes through untouched (upstream skips HSV when every gain is 0). Call inside tidy.
 */
export function hsvBatch(x: tf.Tensor4D, gains: readonly (readonly [number, number, number] | null)[]): tf.Tensor4D {
  const B = x.shape[0];
  if (gains.length !== B) throw new RangeError(`hsvBatch: ${gains.length} gains for a batch of ${B}`);
  if (gains.every((g) => g === null)) return x;
  const t = tables();
  const [r, g, b] = tf.split(x, 3, 3); // 3 x (B, H, W, 1)
  const v = tf.maximum(tf.maximum(r, g), b);
  const diff = tf.sub(v, tf.minimum(tf.minimum(r, g), b));
  const s = tf.floor(tf.mul(tf.add(tf.mul(diff, at(t.sdiv, v)), HALF), SHIFT));
  // OpenCV's numerator: v == r first, then v == g, else blue is the max
  const twoD = tf.mul(diff, 2);
  const hnum = tf.where(tf.equal(v, r), tf.sub(g, b),
    tf.where(tf.equal(v, g), tf.add(tf.sub(b, r), twoD), tf.add(tf.sub(r, g), tf.mul(twoD, 2))));
  let h = tf.floor(tf.mul(tf.add(tf.mul(hnum, at(t.hdiv, diff)), HALF), SHIFT));
  h = tf.where(tf.less(h, 0), tf.add(h, 180), h);

  // Per-sample LUTs, flat (B * 3 * 256): sample b's hue table at 768 b, saturation +256, value +512.
  const lut = new Float32Array(B * 768);
  gains.forEach((gb, k) => {
    if (gb) hsvLuts(gb).forEach((l, c) => lut.set(l, k * 768 + c * 256));
  });
  const luts = tf.tensor1d(lut);
  const off = tf.tensor4d(Float32Array.from({ length: B }, (_, k) => k * 768), [B, 1, 1, 1]);
  const h2 = at(luts, tf.add(h, off)); // (B, H, W, 1)
  const s2 = at(luts, tf.add(s, tf.add(off, 256)));
  const v2 = tf.cast(at(luts, tf.add(v, tf.add(off, 512))), 'int32');

  const V = tf.gather(t.vf, v2);
  const o0 = tf.gather(t.o0, v2);
  const o1 = at(t.o1, tf.add(tf.mul(tf.cast(v2, 'float32'), 256), s2));
  const ox = tf.floor(tf.mul(tf.mul(V, at(t.kx, tf.add(tf.mul(h2, 256), s2))), 255));
  const h2i = tf.cast(h2, 'int32');
  const p0 = tf.gather(t.pos0, h2i);
  const p1 = tf.gather(t.pos1, h2i);
  const channel = (c: number) => tf.where(tf.equal(p0, c), o0, tf.where(tf.equal(p1, c), o1, ox));
  const out = tf.concat([channel(0), channel(1), channel(2)], 3) as tf.Tensor4D;
  if (gains.every((gb) => gb !== null)) return out;
  const on = tf.tensor4d(gains.map((gb) => (gb ? 1 : 0)), [B, 1, 1, 1], 'bool');
  return tf.where(on, out, x);
}
