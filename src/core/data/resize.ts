// cv2.resize for uint8 RGB images, reproducing OpenCV 4.6's CPU arithmetic so resized pixels (and so model inputs)
// are the ones upstream YOLOv5 feeds its model. Three code paths, chosen as cv::resize chooses them:
//   - INTER_LINEAR: 11-bit fixed-point coefficients, an exact integer horizontal pass, and a vertical pass that
//     rounds the way OpenCV's 8-bit kernel does: ((b0*(r0>>4))>>16) + ((b1*(r1>>4))>>16) + 2 >> 2.
//   - INTER_AREA shrinking by integer factors: block averages ("fast area"); an exact 2x shrink with INTER_LINEAR
//     takes this path too, as in OpenCV.
//   - INTER_AREA shrinking by other factors: overlap-weighted sums in float32 with OpenCV's weight tables.
// INTER_AREA that enlarges along an axis falls back to the linear kernel with "area" coefficients, as OpenCV does.
import { assertRgbImage, type RgbImage } from './image';

export type Interpolation = 'linear' | 'area';

const CN = 3;
const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;
const DBL_EPSILON = 2.220446049250313e-16;
const f32 = Math.fround;

/** cvRound / Python round(): round half to even (what the SSE conversion does under the default rounding mode). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // `+ 0` turns Math.round's -0 (for -0.5 < x <= -0) into 0, as an integer conversion would
  return (r - x === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0;
}

/** saturate_cast<uchar>(float): round half to even, clamp to 0..255. */
function satU8(x: number): number {
  const r = roundHalfEven(x);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** saturate_cast<short>(float). */
function satI16(x: number): number {
  const r = roundHalfEven(x);
  return r < -32768 ? -32768 : r > 32767 ? 32767 : r;
}

/** cv2.resize(img, (width, height), interpolation=...). Returns a new image (a copy when the size is unchanged). */
export function resize(img: RgbImage, width: number, height: number, interp: Interpolation): RgbImage {
  assertRgbImage(img, 'resize input');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resize: target size must be positive integers, got ${width}x${height}`);
  }
  if (width === img.width && height === img.height) return { data: img.data.slice(), width, height };

  const invScaleX = width / img.width;
  const invScaleY = height / img.height;
  const scaleX = 1 / invScaleX;
  const scaleY = 1 / invScaleY;
  const iscaleX = roundHalfEven(scaleX);
  const iscaleY = roundHalfEven(scaleY);
  const isAreaFast = Math.abs(scaleX - iscaleX) < DBL_EPSILON && Math.abs(scaleY - iscaleY) < DBL_EPSILON;

  let mode = interp;
  // OpenCV: an exact 2x shrink with INTER_LINEAR gives the same result as the (faster) block average.
  if (mode === 'linear' && isAreaFast && iscaleX === 2 && iscaleY === 2) mode = 'area';
  if (mode === 'area' && scaleX >= 1 && scaleY >= 1) {
    return isAreaFast ? resizeAreaFast(img, width, height, iscaleX, iscaleY) : resizeAreaWeighted(img, width, height, scaleX, scaleY);
  }
  return resizeLinear(img, width, height, scaleX, scaleY, invScaleX, invScaleY, mode === 'area');
}

/** Source index and 11-bit weights per destination coordinate, as cv::hal::resize's coefficient loops compute them. */
function linearTaps(dsize: number, ssize: number, scale: number, invScale: number, areaMode: boolean, clampFrac: boolean) {
  const ofs = new Int32Array(dsize);
  const w0 = new Int32Array(dsize);
  const w1 = new Int32Array(dsize);
  let min = 0; // first index whose left tap is inside the image
  let max = dsize; // first index whose right tap falls off the image
  for (let d = 0; d < dsize; d++) {
    let s: number;
    let f: number;
    if (!areaMode) {
      f = f32((d + 0.5) * scale - 0.5);
      s = Math.floor(f);
      f = f32(f - s);
    } else {
      s = Math.floor(d * scale);
      f = f32(d + 1 - (s + 1) * invScale);
      f = f <= 0 ? 0 : f32(f - Math.floor(f));
    }
    if (clampFrac) {
      // Horizontal only: OpenCV clamps x taps and weights at the borders; vertical weights are used as computed.
      if (s < 0) {
        min = d + 1;
        f = 0;
        s = 0;
      }
      if (s + 1 >= ssize) {
        max = Math.min(max, d);
        if (s >= ssize - 1) {
          f = 0;
          s = ssize - 1;
        }
      }
    }
    ofs[d] = s;
    w0[d] = satI16(f32(1 - f) * COEF_SCALE);
    w1[d] = satI16(f * COEF_SCALE);
  }
  return { ofs, w0, w1, min, max };
}

function resizeLinear(
  img: RgbImage,
  dw: number,
  dh: number,
  scaleX: number,
  scaleY: number,
  invScaleX: number,
  invScaleY: number,
  areaMode: boolean,
): RgbImage {
  const sw = img.width;
  const sh = img.height;
  const src = img.data;
  const xt = linearTaps(dw, sw, scaleX, invScaleX, areaMode, true);
  const yt = linearTaps(dh, sh, scaleY, invScaleY, areaMode, false);
  const rowLen = dw * CN;
  const xmax = xt.max * CN;

  // Horizontal pass of one source row into int32 (values scaled by 2^11): exact integer arithmetic.
  const hpass = (sy: number, out: Int32Array) => {
    const base = sy * sw * CN;
    for (let e = 0; e < rowLen; e++) {
      const px = (e / CN) | 0;
      const sx = base + xt.ofs[px] * CN + (e - px * CN);
      out[e] = e < xmax ? src[sx] * xt.w0[px] + src[sx + CN] * xt.w1[px] : src[sx] * COEF_SCALE;
    }
  };

  const out = new Uint8Array(dh * rowLen);
  const rows = [new Int32Array(rowLen), new Int32Array(rowLen)];
  const rowSrc = [-1, -1];
  for (let dy = 0; dy < dh; dy++) {
    // OpenCV clip(): rows above/below the image repeat the border row.
    const sy0 = yt.ofs[dy];
    for (let k = 0; k < 2; k++) {
      const sy = Math.min(Math.max(sy0 + k, 0), sh - 1);
      if (rowSrc[k] === sy) continue;
      const other = 1 - k;
      if (rowSrc[other] === sy) rows[k].set(rows[other]);
      else hpass(sy, rows[k]);
      rowSrc[k] = sy;
    }
    const b0 = yt.w0[dy];
    const b1 = yt.w1[dy];
    const r0 = rows[0];
    const r1 = rows[1];
    const o = dy * rowLen;
    for (let e = 0; e < rowLen; e++) {
      // OpenCV's 8-bit vertical kernel (SIMD and scalar agree): drop 4 bits, multiply-high by the 11-bit weights,
      // round away the last 2 bits. Not the same as (b0*r0 + b1*r1 + 2^21) >> 22.
      out[o + e] = (((b0 * (r0[e] >> 4)) >> 16) + ((b1 * (r1[e] >> 4)) >> 16) + 2) >> 2;
    }
  }
  return { data: out, width: dw, height: dh };
}

/** Integer shrink factors: each output pixel is the mean of a kx x ky block. */
function resizeAreaFast(img: RgbImage, dw: number, dh: number, kx: number, ky: number): RgbImage {
  const sw = img.width;
  const src = img.data;
  const out = new Uint8Array(dw * dh * CN);
  const stride = sw * CN;
  // (The source is exactly kx*dw by ky*dh here: an integer ratio within DBL_EPSILON cannot be anything else.)
  if (kx === 2 && ky === 2) {
    for (let dy = 0; dy < dh; dy++) {
      const s0 = 2 * dy * stride;
      const s1 = s0 + stride;
      const o = dy * dw * CN;
      for (let e = 0; e < dw * CN; e += CN) {
        const i = 2 * e;
        for (let c = 0; c < CN; c++) {
          out[o + e + c] = (src[s0 + i + c] + src[s0 + i + c + CN] + src[s1 + i + c] + src[s1 + i + c + CN] + 2) >> 2;
        }
      }
    }
    return { data: out, width: dw, height: dh };
  }
  const scale = f32(1 / (kx * ky));
  for (let dy = 0; dy < dh; dy++) {
    const o = dy * dw * CN;
    for (let dx = 0; dx < dw; dx++) {
      for (let c = 0; c < CN; c++) {
        let sum = 0;
        for (let y = 0; y < ky; y++) {
          const row = (dy * ky + y) * stride + dx * kx * CN + c;
          for (let x = 0; x < kx; x++) sum += src[row + x * CN];
        }
        out[o + dx * CN + c] = satU8(f32(sum * scale));
      }
    }
  }
  return { data: out, width: dw, height: dh };
}

interface AreaTab {
  di: Int32Array;
  si: Int32Array;
  alpha: Float32Array;
  n: number;
}

/** OpenCV computeResizeAreaTab: for each output cell, the source pixels it overlaps and the overlap weights. */
function areaTab(ssize: number, dsize: number, cn: number, scale: number): AreaTab {
  const cap = ssize * 2 + 2;
  const t: AreaTab = { di: new Int32Array(cap), si: new Int32Array(cap), alpha: new Float32Array(cap), n: 0 };
  const push = (di: number, si: number, alpha: number) => {
    t.di[t.n] = di;
    t.si[t.n] = si;
    t.alpha[t.n++] = alpha;
  };
  for (let dx = 0; dx < dsize; dx++) {
    const fsx1 = dx * scale;
    const fsx2 = fsx1 + scale;
    const cellWidth = Math.min(scale, ssize - fsx1);
    let sx1 = Math.ceil(fsx1);
    let sx2 = Math.floor(fsx2);
    sx2 = Math.min(sx2, ssize - 1);
    sx1 = Math.min(sx1, sx2);
    if (sx1 - fsx1 > 1e-3) push(dx * cn, (sx1 - 1) * cn, (sx1 - fsx1) / cellWidth);
    for (let sx = sx1; sx < sx2; sx++) push(dx * cn, sx * cn, 1 / cellWidth);
    if (fsx2 - sx2 > 1e-3) push(dx * cn, sx2 * cn, Math.min(Math.min(fsx2 - sx2, 1), cellWidth) / cellWidth);
  }
  return t;
}

/** Non-integer shrink: float32 accumulation exactly in OpenCV's order (row sums, then weighted rows). */
function resizeAreaWeighted(img: RgbImage, dw: number, dh: number, scaleX: number, scaleY: number): RgbImage {
  const src = img.data;
  const rowLen = dw * CN;
  const xt = areaTab(img.width, dw, CN, scaleX);
  const yt = areaTab(img.height, dh, 1, scaleY);
  const out = new Uint8Array(dh * rowLen);
  const buf = new Float32Array(rowLen); // Float32Array stores round to float32, as OpenCV's float buffers do
  const sum = new Float32Array(rowLen);
  const flush = (dy: number) => {
    const o = dy * rowLen;
    for (let e = 0; e < rowLen; e++) out[o + e] = satU8(sum[e]);
  };
  let prevDy = yt.di[0];
  for (let j = 0; j < yt.n; j++) {
    const beta = yt.alpha[j];
    const dy = yt.di[j];
    const srow = yt.si[j] * img.width * CN;
    buf.fill(0);
    for (let k = 0; k < xt.n; k++) {
      const d = xt.di[k];
      const s = srow + xt.si[k];
      const a = xt.alpha[k];
      buf[d] += f32(src[s] * a);
      buf[d + 1] += f32(src[s + 1] * a);
      buf[d + 2] += f32(src[s + 2] * a);
    }
    if (dy !== prevDy) {
      flush(prevDy);
      for (let e = 0; e < rowLen; e++) sum[e] = beta * buf[e];
      prevDy = dy;
    } else {
      for (let e = 0; e < rowLen; e++) sum[e] += f32(beta * buf[e]);
    }
  }
  flush(prevDy);
  return { data: out, width: dw, height: dh };
}
