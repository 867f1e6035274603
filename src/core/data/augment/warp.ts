// cv2.warpAffine / cv2.warpPerspective for uint8 RGB with INTER_LINEAR and BORDER_CONSTANT, reproducing OpenCV 4.6's
// CPU arithmetic so warped training images carry the bytes upstream's random_perspective makes:
//   - the forward matrix is inverted first (affine: OpenCV's closed form; perspective: cv::invert's 3x3 cofactors);
//   - each destination pixel's source position is fixed-point with 5 fractional bits (INTER_TAB_SIZE 32). Affine:
//     per-column/per-row integer offsets in 1/1024 px, rounded by 1/64 px; perspective: double math per block of
//     columns, exactly as cv::WarpPerspectiveInvoker walks its 32-row x 128-column blocks;
//   - bilinear taps are 15-bit integer weights ((32-fx)(32-fy)*32 ...), summed, + 2^14, >> 15; taps outside the
//     source read the border colour.
// warpAffine's per-pixel loop runs as WebAssembly when the engine allows (wasm/kernels.ts, same arithmetic, about
// twice as fast); warpPerspective (no upstream preset uses it) stays in JS.
import { assertRgbImage, type RgbImage } from '../image';
import { roundHalfEven } from '../resize';
import { augmentKernels, type AugmentKernels } from './wasm/kernels';

const INTER_BITS = 5;
const TAB = 1 << INTER_BITS; // INTER_TAB_SIZE
const AB_BITS = 10;
const AB_SCALE = 1 << AB_BITS;
const ROUND_DELTA = AB_SCALE / TAB / 2;
const COEF_ROUND = 1 << 14; // INTER_REMAP_COEF_BITS = 15
const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** Bilinear weights for each of the 32x32 sub-pixel positions: [w00, w01, w10, w11], summing to 2^15. */
const WTAB = (() => {
  const t = new Int32Array(TAB * TAB * 4);
  for (let fy = 0; fy < TAB; fy++) {
    for (let fx = 0; fx < TAB; fx++) {
      const k = (fy * TAB + fx) * 4;
      // (1 - x)(1 - y) * 2^15 with x = fx/32 is an integer, so OpenCV's rounding and sum fix-up never trigger.
      t[k] = (TAB - fx) * (TAB - fy) * 32;
      t[k + 1] = fx * (TAB - fy) * 32;
      t[k + 2] = (TAB - fx) * fy * 32;
      t[k + 3] = fx * fy * 32;
    }
  }
  return t;
})();

/** saturate_cast<int>(double): round half to even, clamped to int32. */
function satInt(v: number): number {
  return v >= INT_MAX ? INT_MAX : v <= INT_MIN ? INT_MIN : roundHalfEven(v);
}

/** saturate_cast<short>(int). */
function satShort(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

function checkOut(img: RgbImage, width: number, height: number, what: string): void {
  assertRgbImage(img, `${what} input`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${what}: output size must be positive integers, got ${width}x${height}`);
  }
}

/**
 * cv2.warpAffine(img, M, (width, height), flags=INTER_LINEAR, borderValue=(b, b, b)). `M` is the forward 2x3 matrix
 * row-major (a 3x3 works too: its first 6 entries are used).
 */
export function warpAffine(img: RgbImage, M: ArrayLike<number>, width: number, height: number, border = 114): RgbImage {
  checkOut(img, width, height, 'warpAffine');
  // Invert as cv::warpAffine does (no WARP_INVERSE_MAP flag).
  let [m0, m1, m2, m3, m4, m5] = [M[0], M[1], M[2], M[3], M[4], M[5]];
  let D = m0 * m4 - m1 * m3;
  D = D !== 0 ? 1 / D : 0;
  const a11 = m4 * D;
  const a22 = m0 * D;
  m0 = a11;
  m1 *= -D;
  m3 *= -D;
  m4 = a22;
  const b1 = -m0 * m2 - m1 * m5;
  const b2 = -m3 * m2 - m4 * m5;
  m2 = b1;
  m5 = b2;

  const adelta = new Int32Array(width);
  const bdelta = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    adelta[x] = satInt(m0 * x * AB_SCALE);
    bdelta[x] = satInt(m3 * x * AB_SCALE);
  }
  const k = augmentKernels();
  if (k) return warpAffineWasm(k, img, adelta, bdelta, [m1, m2, m4, m5], width, height, border);
  const out = new Uint8Array(width * height * 3);
  const S = img.data;
  const rs = img.width * 3;
  const sw1 = img.width - 1;
  const sh1 = img.height - 1;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const X0 = satInt((m1 * y + m2) * AB_SCALE) + ROUND_DELTA;
    const Y0 = satInt((m4 * y + m5) * AB_SCALE) + ROUND_DELTA;
    for (let x = 0; x < width; x++, o += 3) {
      const X = (X0 + adelta[x]) >> (AB_BITS - INTER_BITS);
      const Y = (Y0 + bdelta[x]) >> (AB_BITS - INTER_BITS);
      const sx = X >> INTER_BITS;
      const sy = Y >> INTER_BITS;
      const fx = X & (TAB - 1);
      const fy = Y & (TAB - 1);
      if (sx >= 0 && sx < sw1 && sy >= 0 && sy < sh1) {
        // (w00 a + w01 b + w10 c + w11 d + 2^14) >> 15 with w = (32-fx)(32-fy)*32 ... is this, exactly:
        const gx = TAB - fx;
        const gy = TAB - fy;
        const p = sy * rs + sx * 3;
        const q = p + rs;
        out[o] = (gy * (gx * S[p] + fx * S[p + 3]) + fy * (gx * S[q] + fx * S[q + 3]) + 512) >> 10;
        out[o + 1] = (gy * (gx * S[p + 1] + fx * S[p + 4]) + fy * (gx * S[q + 1] + fx * S[q + 4]) + 512) >> 10;
        out[o + 2] = (gy * (gx * S[p + 2] + fx * S[p + 5]) + fy * (gx * S[q + 2] + fx * S[q + 5]) + 512) >> 10;
      } else {
        edgePixel(img, out, o, satShort(sx), satShort(sy), fx, fy, border);
      }
    }
  }
  return { data: out, width, height };
}

/** The same loop in wasm: the source is staged in the kernels' memory unless it already lives there (a mosaic canvas). */
function warpAffineWasm(
  k: AugmentKernels,
  img: RgbImage,
  adelta: Int32Array,
  bdelta: Int32Array,
  [m1, m2, m4, m5]: readonly number[],
  width: number,
  height: number,
  border: number,
): RgbImage {
  const srcLen = img.data.length;
  const inHeap = img.data.buffer === k.heap(0).buffer;
  const src = inHeap ? img.data.byteOffset : k.work;
  const dst = Math.ceil(Math.max(src + srcLen, k.work) / 8) * 8;
  const outLen = width * height * 3;
  const ad = Math.ceil((dst + outLen) / 8) * 8;
  const bd = ad + 4 * width;
  const x0s = bd + 4 * width;
  const y0s = x0s + 4 * height;
  const heap = k.heap(y0s + 4 * height); // growing may detach img.data when it is a heap view; its bytes stay at src
  if (!inHeap) heap.set(img.data, src);
  const i32 = new Int32Array(heap.buffer);
  i32.set(adelta, ad / 4);
  i32.set(bdelta, bd / 4);
  for (let y = 0; y < height; y++) {
    i32[x0s / 4 + y] = satInt((m1 * y + m2) * AB_SCALE) + ROUND_DELTA;
    i32[y0s / 4 + y] = satInt((m4 * y + m5) * AB_SCALE) + ROUND_DELTA;
  }
  k.warp(src, img.width, img.height, dst, width, height, ad, bd, x0s, y0s, border);
  return { data: heap.slice(dst, dst + outLen), width, height };
}

/**
 * cv2.warpPerspective(img, M, (width, height), flags=INTER_LINEAR, borderValue=(b, b, b)). `M` is the forward 3x3
 * matrix, row-major.
 */
export function warpPerspective(img: RgbImage, M: ArrayLike<number>, width: number, height: number, border = 114): RgbImage {
  checkOut(img, width, height, 'warpPerspective');
  // A singular matrix: cv::invert leaves zeros behind, so every pixel samples the source's top-left pixel.
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = invert3x3(M) ?? [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const out = new Uint8Array(width * height * 3);
  // cv::WarpPerspectiveInvoker's block width: the column origin x of each block enters the double math.
  let bh0 = Math.min(32, height);
  const bw0 = Math.min(Math.floor(4096 / bh0), width);
  bh0 = Math.min(Math.floor(4096 / bw0), height);
  const sxs = new Int32Array(width);
  const sys = new Int32Array(width);
  const fxy = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x += bw0) {
      const bw = Math.min(bw0, width - x);
      const X0 = m0 * x + m1 * y + m2;
      const Y0 = m3 * x + m4 * y + m5;
      const W0 = m6 * x + m7 * y + m8;
      for (let x1 = 0; x1 < bw; x1++) {
        let W = W0 + m6 * x1;
        W = W ? TAB / W : 0;
        const fX = Math.max(INT_MIN, Math.min(INT_MAX, (X0 + m0 * x1) * W));
        const fY = Math.max(INT_MIN, Math.min(INT_MAX, (Y0 + m3 * x1) * W));
        // NaN (0 * inf) becomes INT_MIN in the SSE conversion: the pixel lands outside the source.
        const X = fX === fX ? roundHalfEven(fX) : INT_MIN;
        const Y = fY === fY ? roundHalfEven(fY) : INT_MIN;
        sxs[x + x1] = satShort(X >> INTER_BITS);
        sys[x + x1] = satShort(Y >> INTER_BITS);
        fxy[x + x1] = (Y & (TAB - 1)) * TAB + (X & (TAB - 1));
      }
    }
    remapRow(img, out, y * width * 3, sxs, sys, fxy, width, border);
  }
  return { data: out, width, height };
}

/** cv::invert(M, DECOMP_LU) for a 3x3 double matrix: cofactors times 1/det; null when det is 0. */
export function invert3x3(M: ArrayLike<number>): number[] | null {
  const [a, b, c, d, e, f, g, h, i] = [M[0], M[1], M[2], M[3], M[4], M[5], M[6], M[7], M[8]];
  let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (det === 0) return null;
  det = 1 / det;
  return [
    (e * i - f * h) * det, (c * h - b * i) * det, (b * f - c * e) * det,
    (f * g - d * i) * det, (a * i - c * g) * det, (c * d - a * f) * det,
    (d * h - e * g) * det, (b * g - a * h) * det, (a * e - b * d) * det,
  ];
}

/** One destination row for warpPerspective: (sx, sy) the top-left source tap, fxy = fy * 32 + fx. */
function remapRow(img: RgbImage, out: Uint8Array, o0: number, sxs: Int32Array, sys: Int32Array, fxy: Int32Array, width: number, border: number): void {
  const S = img.data;
  const rs = img.width * 3;
  const sw1 = img.width - 1;
  const sh1 = img.height - 1;
  for (let x = 0, o = o0; x < width; x++, o += 3) {
    const sx = sxs[x];
    const sy = sys[x];
    const k = fxy[x] << 2;
    if (sx >= 0 && sx < sw1 && sy >= 0 && sy < sh1) {
      const [w0, w1, w2, w3] = [WTAB[k], WTAB[k + 1], WTAB[k + 2], WTAB[k + 3]];
      const p = sy * rs + sx * 3;
      const q = p + rs;
      out[o] = (S[p] * w0 + S[p + 3] * w1 + S[q] * w2 + S[q + 3] * w3 + COEF_ROUND) >> 15;
      out[o + 1] = (S[p + 1] * w0 + S[p + 4] * w1 + S[q + 1] * w2 + S[q + 4] * w3 + COEF_ROUND) >> 15;
      out[o + 2] = (S[p + 2] * w0 + S[p + 5] * w1 + S[q + 2] * w2 + S[q + 5] * w3 + COEF_ROUND) >> 15;
    } else {
      edgePixel(img, out, o, sx, sy, fxy[x] & (TAB - 1), fxy[x] >> INTER_BITS, border);
    }
  }
}

/**
 * cv::remapBilinear's border branch (BORDER_CONSTANT) for one pixel whose 2x2 taps are not all inside: all outside
 * gives the border colour, otherwise each outside tap reads it.
 */
function edgePixel(img: RgbImage, out: Uint8Array, o: number, sx: number, sy: number, fx: number, fy: number, border: number): void {
  const { data: S, width: sw, height: sh } = img;
  if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0) {
    out[o] = border;
    out[o + 1] = border;
    out[o + 2] = border;
    return;
  }
  const k = (fy * TAB + fx) << 2;
  const rs = sw * 3;
  const x0in = sx >= 0;
  const x1in = sx + 1 < sw;
  const y0in = sy >= 0;
  const y1in = sy + 1 < sh;
  const p = sy * rs + sx * 3;
  for (let c = 0; c < 3; c++) {
    let acc = COEF_ROUND;
    acc += (y0in && x0in ? S[p + c] : border) * WTAB[k];
    acc += (y0in && x1in ? S[p + 3 + c] : border) * WTAB[k + 1];
    acc += (y1in && x0in ? S[p + rs + c] : border) * WTAB[k + 2];
    acc += (y1in && x1in ? S[p + rs + 3 + c] : border) * WTAB[k + 3];
    out[o + c] = acc >> 15;
  }
}
