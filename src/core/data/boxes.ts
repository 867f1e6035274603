// Box conversions of the data path, in float32 with upstream's operation order, so labels and rescaled detections
// carry the same bits upstream's numpy/torch code produces. Boxes live in rows of a Float32Array: `stride` floats per
// row with the 4 box values at `offset` (labels [cls, x, y, w, h]: stride 5, offset 1; NMS output
// [x1, y1, x2, y2, conf, cls]: stride 6, offset 0).
const f = Math.fround;

export interface BoxRows {
  data: Float32Array;
  stride?: number;
  offset?: number;
}

function layout(b: BoxRows): { d: Float32Array; s: number; o: number; n: number } {
  const s = b.stride ?? 4;
  const o = b.offset ?? 0;
  if (s < o + 4 || b.data.length % s !== 0) {
    throw new RangeError(`boxes: ${b.data.length} floats do not form rows of ${s} with the box at offset ${o}`);
  }
  return { d: b.data, s, o, n: b.data.length / s };
}

/**
 * xywhn2xyxy(x, w, h, padw, padh) in place: normalized centre/size -> pixel corners, as numpy float32 computes it
 * (the Python float factors are cast to float32 first).
 */
export function xywhnToXyxy(b: BoxRows, w: number, h: number, padw = 0, padh = 0): Float32Array {
  const { d, s, o, n } = layout(b);
  const [W, H, PW, PH] = [f(w), f(h), f(padw), f(padh)];
  for (let i = 0; i < n; i++) {
    const k = i * s + o;
    const [x, y, bw, bh] = [d[k], d[k + 1], d[k + 2], d[k + 3]];
    d[k] = f(f(W * f(x - f(bw / 2))) + PW);
    d[k + 1] = f(f(H * f(y - f(bh / 2))) + PH);
    d[k + 2] = f(f(W * f(x + f(bw / 2))) + PW);
    d[k + 3] = f(f(H * f(y + f(bh / 2))) + PH);
  }
  return d;
}

/**
 * xyxy2xywhn(x, w, h, clip, eps) in place: pixel corners -> normalized centre/size. With `clip`, corners are first
 * clipped to [0, w - eps] x [0, h - eps] (upstream clips in place too).
 */
export function xyxyToXywhn(b: BoxRows, w: number, h: number, clip = false, eps = 0): Float32Array {
  const { d, s, o, n } = layout(b);
  if (clip) clipBoxes(b, [h - eps, w - eps]);
  for (let i = 0; i < n; i++) {
    const k = i * s + o;
    const [x1, y1, x2, y2] = [d[k], d[k + 1], d[k + 2], d[k + 3]];
    d[k] = f(f(f(x1 + x2) / 2) / w);
    d[k + 1] = f(f(f(y1 + y2) / 2) / h);
    d[k + 2] = f(f(x2 - x1) / w);
    d[k + 3] = f(f(y2 - y1) / h);
  }
  return d;
}

/** xywh2xyxy in place: centre/size -> corners, same units. */
export function xywhToXyxy(b: BoxRows): Float32Array {
  const { d, s, o, n } = layout(b);
  for (let i = 0; i < n; i++) {
    const k = i * s + o;
    const [x, y, bw, bh] = [d[k], d[k + 1], d[k + 2], d[k + 3]];
    d[k] = f(x - f(bw / 2));
    d[k + 1] = f(y - f(bh / 2));
    d[k + 2] = f(x + f(bw / 2));
    d[k + 3] = f(y + f(bh / 2));
  }
  return d;
}

/** clip_boxes(boxes, (height, width)) in place: x to [0, width], y to [0, height] (bounds cast to float32). */
export function clipBoxes(b: BoxRows, shapeHW: readonly [number, number]): Float32Array {
  const { d, s, o, n } = layout(b);
  const H = f(shapeHW[0]);
  const W = f(shapeHW[1]);
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  for (let i = 0; i < n; i++) {
    const k = i * s + o;
    d[k] = clamp(d[k], W);
    d[k + 1] = clamp(d[k + 1], H);
    d[k + 2] = clamp(d[k + 2], W);
    d[k + 3] = clamp(d[k + 3], H);
  }
  return d;
}

/** `((gain_h, gain_w), (pad_w, pad_h))`, as upstream's val loader records per image (shapes[i][1]). */
export type RatioPad = readonly [readonly [number, number], readonly [number, number]];

/**
 * scale_boxes(img1_shape, boxes, img0_shape, ratio_pad) in place: xyxy boxes on the letterboxed image (img1, (h, w))
 * back to the original image (img0, (h, w)), then clipped to it. Without ratioPad the gain and padding are derived
 * from the two shapes (detect.py's path).
 */
export function scaleBoxes(
  img1HW: readonly [number, number],
  b: BoxRows,
  img0HW: readonly [number, number],
  ratioPad?: RatioPad,
): Float32Array {
  const { d, s, o, n } = layout(b);
  let gain: number;
  let padW: number;
  let padH: number;
  if (!ratioPad) {
    gain = Math.min(img1HW[0] / img0HW[0], img1HW[1] / img0HW[1]);
    padW = (img1HW[1] - img0HW[1] * gain) / 2;
    padH = (img1HW[0] - img0HW[0] * gain) / 2;
  } else {
    gain = ratioPad[0][0];
    [padW, padH] = ratioPad[1];
  }
  // torch float32 ops with Python-float operands: the scalar becomes float32, each op rounds to float32.
  const [G, PW, PH] = [f(gain), f(padW), f(padH)];
  for (let i = 0; i < n; i++) {
    const k = i * s + o;
    d[k] = f(f(d[k] - PW) / G);
    d[k + 1] = f(f(d[k + 1] - PH) / G);
    d[k + 2] = f(f(d[k + 2] - PW) / G);
    d[k + 3] = f(f(d[k + 3] - PH) / G);
  }
  return clipBoxes(b, img0HW);
}
