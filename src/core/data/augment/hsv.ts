// Upstream's augment_hsv: RGB -> HSV (OpenCV 8-bit, H in [0, 180)), one lookup table per channel built from random
// gains, HSV -> RGB, in place. The conversions reproduce OpenCV 4.6 on x86-64 byte for byte (checked against
// cv2.cvtColor on all 2^24 RGB and all 180*2^16 HSV values):
//   - RGB -> HSV is integer arithmetic with 12-bit reciprocal tables (vector and scalar code agree);
//   - HSV -> RGB is float32 math whose vectorised (AVX2) loop truncates and fuses `1 - s*f` and `1 - s*(1 - f)` into
//     FMAs, while its scalar tail (the last width % 32 pixels of each row) rounds half to even and fuses only the
//     first. Both are reproduced, so odd image widths match too.
// The vector path runs as WebAssembly when the engine allows (wasm/kernels.ts); the scalar tails stay in JS.
import type { Rng } from '../../rng';
import type { RgbImage } from '../image';
import { augmentKernels } from './wasm/kernels';
import { HALF, HDIV, HSV_SHIFT, K1, K2, K3F, K3U, O0, O1, SDIV, SECTOR, SIMD_BLOCK, VF, roundHalfEvenInt } from './hsvTables';

const f32 = Math.fround;

/** cv2.cvtColor(img, COLOR_RGB2HSV) for 8-bit RGB: a new (h, w, 3) array of H (0..179), S, V. */
export function rgbToHsv(img: RgbImage): Uint8Array {
  const src = img.data;
  const dst = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const r = src[i];
    const g = src[i + 1];
    const b = src[i + 2];
    const [h, s, v] = hsvOf(r, g, b);
    dst[i] = h;
    dst[i + 1] = s;
    dst[i + 2] = v;
  }
  return dst;
}

function hsvOf(r: number, g: number, b: number): [number, number, number] {
  const v = Math.max(r, g, b);
  const diff = v - Math.min(r, g, b);
  const s = (diff * SDIV[v] + HALF) >> HSV_SHIFT;
  let h = v === r ? g - b : v === g ? b - r + 2 * diff : r - g + 4 * diff;
  h = (h * HDIV[diff] + HALF) >> HSV_SHIFT;
  if (h < 0) h += 180;
  return [h, s, v];
}

/**
 * cv2.cvtColor(hsv, COLOR_HSV2RGB) for 8-bit HSV (h < 180) of an image `width` pixels wide: the vector loop's
 * arithmetic for the first floor(width / 32) * 32 pixels of each row, the scalar tail's for the rest.
 */
export function hsvToRgb(hsv: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(hsv.length);
  const rows = hsv.length / 3 / width;
  const simd = Math.floor(width / SIMD_BLOCK) * SIMD_BLOCK;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      writeRgb(out, i, hsv[i], hsv[i + 1], hsv[i + 2], x < simd);
    }
  }
  return out;
}

/** HSV -> RGB for one pixel into out[i..i+2]: the vector loop's arithmetic, or the scalar tail's. */
function writeRgb(out: Uint8Array, i: number, h: number, s: number, v: number, vector: boolean): void {
  const V = VF[v];
  const k = h * 256 + s;
  const t0 = f32(V * 255);
  const t1 = f32(f32(V * K1[s]) * 255);
  const t2 = f32(f32(V * K2[k]) * 255);
  const t3 = f32(f32(V * (vector ? K3F[k] : K3U[k])) * 255);
  const cvt = vector ? Math.trunc : roundHalfEvenInt;
  putSector(out, i, SECTOR[h], cvt(t0), cvt(t1), cvt(t2), cvt(t3));
}

/** OpenCV's sector_data in RGB order: which of (V, V*K1, V*K2, V*K3) goes to R, G and B. */
function putSector(d: Uint8Array, i: number, sector: number, o0: number, o1: number, o2: number, o3: number): void {
  switch (sector) {
    case 0: d[i] = o0; d[i + 1] = o3; d[i + 2] = o1; break;
    case 1: d[i] = o2; d[i + 1] = o0; d[i + 2] = o1; break;
    case 2: d[i] = o1; d[i + 1] = o0; d[i + 2] = o3; break;
    case 3: d[i] = o1; d[i + 1] = o2; d[i + 2] = o0; break;
    case 4: d[i] = o3; d[i + 1] = o1; d[i + 2] = o0; break;
    default: d[i] = o0; d[i + 1] = o1; d[i + 2] = o2;
  }
}

/** The three gains upstream draws: r = uniform(-1, 1, 3) * [hgain, sgain, vgain] + 1 (hue, saturation, value). */
export function hsvGains(rng: Rng, hgain: number, sgain: number, vgain: number): [number, number, number] {
  return [rng.uniform(-1, 1) * hgain + 1, rng.uniform(-1, 1) * sgain + 1, rng.uniform(-1, 1) * vgain + 1];
}

/** Upstream's lookup tables for gains r: hue (x*r0) mod 180, saturation and value clip(x*r, 0, 255), truncated. */
export function hsvLuts(r: readonly [number, number, number]): [Uint8Array, Uint8Array, Uint8Array] {
  const lh = new Uint8Array(256);
  const ls = new Uint8Array(256);
  const lv = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    let m = (x * r[0]) % 180;
    if (m < 0) m += 180; // numpy's remainder takes the divisor's sign
    lh[x] = Math.trunc(m);
    ls[x] = Math.trunc(Math.min(255, Math.max(0, x * r[1])));
    lv[x] = Math.trunc(Math.min(255, Math.max(0, x * r[2])));
  }
  return [lh, ls, lv];
}

/**
 * augment_hsv(img, hgain, sgain, vgain) in place. Draws the 3 gains only when any gain is non-zero, as upstream.
 * Returns the gains used (null when skipped).
 */
export function augmentHsv(img: RgbImage, hgain: number, sgain: number, vgain: number, rng: Rng): [number, number, number] | null {
  if (!hgain && !sgain && !vgain) return null;
  const r = hsvGains(rng, hgain, sgain, vgain);
  applyHsvLuts(img, hsvLuts(r));
  return r;
}

/** RGB -> HSV -> per-channel LUT -> RGB, in place; one fused pass over the pixels (no HSV image allocated). */
export function applyHsvLuts(img: RgbImage, luts: readonly [Uint8Array, Uint8Array, Uint8Array]): void {
  const width = img.width;
  const simd = Math.floor(width / SIMD_BLOCK) * SIMD_BLOCK;
  const row = width * 3;
  const k = simd ? augmentKernels() : null;
  if (k) {
    // The vector path in wasm, staged in and out of its memory (out of place: in-place stores at computed channel
    // offsets stall the next pixel's loads), then the scalar tails (if any) in JS.
    const len = img.data.length;
    const [src, dst] = [k.work, k.work + len];
    const heap = k.heap(dst + len);
    heap.set(img.data, src);
    k.setLuts(...luts);
    if (simd === width) k.hsv(src, width * img.height, dst);
    else for (let y = 0; y < img.height; y++) k.hsv(src + y * row, simd, dst + y * row);
    if (simd === width) img.data.set(heap.subarray(dst, dst + len));
    else for (let y = 0; y < img.height; y++) img.data.set(heap.subarray(dst + y * row, dst + y * row + simd * 3), y * row);
    if (simd < width) for (let y = 0; y < img.height; y++) lutRunScalar(img.data, y * row + simd * 3, y * row + row, luts);
    return;
  }
  for (let y = 0; y < img.height; y++) {
    const mid = y * row + simd * 3;
    if (simd) lutRunVector(img.data, y * row, mid, luts);
    if (simd < width) lutRunScalar(img.data, mid, y * row + row, luts);
  }
}

/** The vector loop's pixels [i0, i1) (byte offsets): truncating conversion, both factors fused. Hot path. */
function lutRunVector(d: Uint8Array, i0: number, i1: number, [lh, ls, lv]: readonly [Uint8Array, Uint8Array, Uint8Array]): void {
  for (let i = i0; i < i1; i += 3) {
    const r = d[i];
    const g = d[i + 1];
    const b = d[i + 2];
    // RGB -> HSV, as hsvOf
    const v = r > g ? (r > b ? r : b) : g > b ? g : b;
    const diff = v - (r < g ? (r < b ? r : b) : g < b ? g : b);
    const s = (diff * SDIV[v] + HALF) >> HSV_SHIFT;
    let h = v === r ? g - b : v === g ? b - r + 2 * diff : r - g + 4 * diff;
    h = (h * HDIV[diff] + HALF) >> HSV_SHIFT;
    if (h < 0) h += 180;
    // LUTs, then HSV -> RGB: values are non-negative, so `| 0` is the truncation
    const h2 = lh[h];
    const s2 = ls[s];
    const v2 = lv[v];
    const V = VF[v2];
    const k = h2 * 256 + s2;
    const o0 = O0[v2];
    const o1 = O1[v2 * 256 + s2];
    const o2 = f32(f32(V * K2[k]) * 255) | 0;
    const o3 = f32(f32(V * K3F[k]) * 255) | 0;
    putSector(d, i, SECTOR[h2], o0, o1, o2, o3);
  }
}

/** The scalar tail's pixels [i0, i1): rounding conversion, only `1 - s*f` fused. */
function lutRunScalar(d: Uint8Array, i0: number, i1: number, [lh, ls, lv]: readonly [Uint8Array, Uint8Array, Uint8Array]): void {
  for (let i = i0; i < i1; i += 3) {
    const [h, s, v] = hsvOf(d[i], d[i + 1], d[i + 2]);
    writeRgb(d, i, lh[h], ls[s], lv[v], false);
  }
}
