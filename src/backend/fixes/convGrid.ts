// Geometry shared by the wasm conv-gradient kernels: a strided conv seen as a sum of stride-1 "shifts".
//
// Along one axis, filter tap t reads input index i = s*o + t - before for output index o. Writing
// t - before = s*a + p with 0 <= p < s splits the input into s phases (i = s*y + p) and makes each tap a
// plain shift: tap t pairs output o with phase-p cell y = o + a. So every tap is a *shifted* product of
// the output grid with one phase grid; with both laid out on one flat grid, a shift is just an offset.

/** One axis of a conv: how its taps map to (shift a, phase p), and how far the shifts reach. */
export interface AxisPlan {
  stride: number;
  /** Pad before the first input element (top / left). */
  before: number;
  nOut: number;
  nIn: number;
  /** a of tap t is shift[t], its phase phase[t]. */
  shift: number[];
  phase: number[];
  minShift: number;
  maxShift: number;
  /**
   * Cells per output line on the flat grid: nOut plus room for the shifts. When every cell a shift can reach
   * past either end is padding (zero) for every phase, the room after one line doubles as the room before the
   * next, so it is counted once.
   */
  period: number;
}

export function axisPlan(filter: number, stride: number, before: number, nOut: number, nIn: number): AxisPlan {
  const shift: number[] = [];
  const phase: number[] = [];
  for (let t = 0; t < filter; t++) {
    const a = Math.floor((t - before) / stride);
    shift.push(a);
    phase.push(t - before - a * stride);
  }
  const minShift = Math.min(0, ...shift);
  const maxShift = Math.max(0, ...shift);
  // Cells y in [nOut, nOut + maxShift) hold input index s*y + p; they are padding when that is >= nIn for
  // every phase. Cells y < 0 are always padding (s*y + p < 0).
  const tailIsPadding = stride * nOut >= nIn;
  const period = nOut + (tailIsPadding ? Math.max(maxShift, -minShift) : maxShift - minShift);
  return { stride, before, nOut, nIn, shift, phase, minShift, maxShift, period };
}

/** Input index of phase-p cell y, or -1 when that cell is padding. */
export function inputIndex(ax: AxisPlan, y: number, p: number): number {
  const i = ax.stride * y + p;
  return i >= 0 && i < ax.nIn ? i : -1;
}

/**
 * Flat grid over `images` images: cell (b, y, x) sits at origin + (b*rows + y)*cols + x, for y in
 * [minShift, nOut + maxShift) of the row axis and likewise for columns (negative y or x land in the previous
 * line's room). Output positions (0 <= y < nOut, 0 <= x < nOut) and every cell a shift reaches from them fall
 * inside [0, length). A shift (ah, aw) is the flat offset ah*cols + aw.
 */
export interface FlatGrid {
  rows: number;
  cols: number;
  origin: number;
  length: number;
  /** Most negative and most positive flat shift offsets. */
  minOffset: number;
  maxOffset: number;
}

export function flatGrid(h: AxisPlan, w: AxisPlan, images: number): FlatGrid {
  const rows = h.period;
  const cols = w.period;
  const minOffset = h.minShift * cols + w.minShift;
  const maxOffset = h.maxShift * cols + w.maxShift;
  const origin = -minOffset;
  const lastOut = origin + ((images - 1) * rows + h.nOut - 1) * cols + w.nOut - 1;
  const length = Math.max(origin + images * rows * cols, lastOut + maxOffset + 1);
  return { rows, cols, origin, length, minOffset, maxOffset };
}

/** Flat index of cell (b, y, x). */
export const cell = (g: FlatGrid, b: number, y: number, x: number): number => g.origin + (b * g.rows + y) * g.cols + x;
