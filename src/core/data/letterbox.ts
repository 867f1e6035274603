// Upstream letterbox (utils/augmentations.py): scale an image to fit `newShape` keeping its aspect ratio, then pad
// with grey (114) to the target (or, with `auto`, only to the next multiple of `stride`). Geometry and pixels both
// follow upstream: Python's round-half-even sizes, INTER_LINEAR resize, borders split round(d-0.1) / round(d+0.1).
import { assertRgbImage, type RgbImage } from './image';
import { resize, roundHalfEven } from './resize';

export interface LetterboxOptions {
  /** Pad only to the next multiple of `stride` (minimum rectangle). Upstream default true. */
  auto?: boolean;
  /** Stretch to exactly newShape without padding (only when auto is false). Upstream default false. */
  scaleFill?: boolean;
  /** Allow enlarging; false only shrinks (val). Upstream default true. */
  scaleup?: boolean;
  stride?: number;
  color?: readonly [number, number, number];
}

export interface LetterboxGeometry {
  /** Scale applied along (width, height). */
  ratio: [number, number];
  /** Padding per side along (width, height): half the total, may end in .5. */
  pad: [number, number];
  /** Size of the resized image before padding, (width, height). */
  unpadded: [number, number];
  top: number;
  bottom: number;
  left: number;
  right: number;
  /** Final size, (height, width) as upstream's im.shape[:2]. */
  outHW: [number, number];
}

/** `newShape` as upstream takes it: an int (square) or (height, width). */
export type ShapeArg = number | readonly [number, number];

export function letterboxGeometry(inH: number, inW: number, newShape: ShapeArg, opts: LetterboxOptions = {}): LetterboxGeometry {
  const { auto = true, scaleFill = false, scaleup = true, stride = 32 } = opts;
  const [nh, nw] = typeof newShape === 'number' ? [newShape, newShape] : newShape;
  if (![inH, inW, nh, nw, stride].every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`letterbox: sizes must be positive integers (in ${inH}x${inW}, new ${nh}x${nw}, stride ${stride})`);
  }
  let r = Math.min(nh / inH, nw / inW);
  if (!scaleup) r = Math.min(r, 1.0);
  let ratio: [number, number] = [r, r];
  let unpadded: [number, number] = [roundHalfEven(inW * r), roundHalfEven(inH * r)];
  let dw = nw - unpadded[0];
  let dh = nh - unpadded[1];
  if (auto) {
    dw = ((dw % stride) + stride) % stride; // np.mod: result has the divisor's sign
    dh = ((dh % stride) + stride) % stride;
  } else if (scaleFill) {
    dw = 0;
    dh = 0;
    unpadded = [nw, nh];
    ratio = [nw / inW, nh / inH];
  }
  dw /= 2;
  dh /= 2;
  const top = roundHalfEven(dh - 0.1);
  const bottom = roundHalfEven(dh + 0.1);
  const left = roundHalfEven(dw - 0.1);
  const right = roundHalfEven(dw + 0.1);
  return {
    ratio,
    pad: [dw, dh],
    unpadded,
    top,
    bottom,
    left,
    right,
    outHW: [unpadded[1] + top + bottom, unpadded[0] + left + right],
  };
}

export interface LetterboxResult extends LetterboxGeometry {
  image: RgbImage;
}

/** letterbox(im, new_shape, color, auto, scaleFill, scaleup, stride) on an RGB image. */
export function letterbox(img: RgbImage, newShape: ShapeArg, opts: LetterboxOptions = {}): LetterboxResult {
  assertRgbImage(img, 'letterbox input');
  const g = letterboxGeometry(img.height, img.width, newShape, opts);
  const [uw, uh] = g.unpadded;
  const resized = uw !== img.width || uh !== img.height ? resize(img, uw, uh, 'linear') : img;
  return { ...g, image: padImage(resized, g.top, g.bottom, g.left, g.right, opts.color ?? [114, 114, 114]) };
}

/** cv2.copyMakeBorder(..., BORDER_CONSTANT, value=color). Returns `img` itself when there is nothing to add. */
export function padImage(
  img: RgbImage,
  top: number,
  bottom: number,
  left: number,
  right: number,
  color: readonly [number, number, number] = [114, 114, 114],
): RgbImage {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return img;
  const width = img.width + left + right;
  const height = img.height + top + bottom;
  const data = new Uint8Array(width * height * 3);
  if (color[0] === color[1] && color[1] === color[2]) data.fill(color[0]);
  else for (let i = 0; i < data.length; i += 3) data.set(color, i);
  const rowBytes = img.width * 3;
  for (let y = 0; y < img.height; y++) {
    data.set(img.data.subarray(y * rowBytes, (y + 1) * rowBytes), ((y + top) * width + left) * 3);
  }
  return { data, width, height };
}
