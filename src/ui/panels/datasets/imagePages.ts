// The image grid's bookkeeping: which images pass the class filter, which of them are on the current page, and where
// an image and its boxes go inside a canvas. Pure, so it is tested without a browser.
import type { ImageRef } from '../../../storage';

/** Thumbnails per page: a 4-column grid of 6 rows fits the datasets column. */
export const PAGE_SIZE = 24;

/** Indices of the images holding at least one box of class `cls` (all images when `cls` is null). */
export function filterByClass(refs: readonly ImageRef[], cls: number | null): number[] {
  const out: number[] = [];
  for (let i = 0; i < refs.length; i++) {
    if (cls === null || hasClass(refs[i].labels, cls)) out.push(i);
  }
  return out;
}

function hasClass(labels: readonly number[], cls: number): boolean {
  for (let k = 0; k < labels.length; k += 5) if (labels[k] === cls) return true;
  return false;
}

export interface PageWindow {
  /** The page shown, clamped to the existing ones (0-based). */
  page: number;
  pages: number;
  /** Range [start, end) into the filtered list. */
  start: number;
  end: number;
}

/** The window of page `page` over `total` items; an out-of-range page (the filter shrank the list) is clamped. */
export function pageWindow(total: number, page: number, size = PAGE_SIZE): PageWindow {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`pageWindow: page size must be a positive integer, got ${size}`);
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return { page: p, pages, start: p * size, end: Math.min(total, (p + 1) * size) };
}

export interface Box {
  cls: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
}

/** The (n, 5) [cls, cx, cy, w, h] rows of an image as boxes. */
export function boxesOf(ref: Pick<ImageRef, 'labels'>): Box[] {
  const l = ref.labels;
  const out: Box[] = [];
  for (let k = 0; k + 4 < l.length; k += 5) out.push({ cls: l[k], cx: l[k + 1], cy: l[k + 2], w: l[k + 3], h: l[k + 4] });
  return out;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where an image of srcW x srcH goes inside a dstW x dstH canvas: scaled to fit, centred (letterboxed). */
export function fitContain(srcW: number, srcH: number, dstW: number, dstH: number): Rect {
  const s = Math.min(dstW / srcW, dstH / srcH);
  const w = srcW * s;
  const h = srcH * s;
  return { x: (dstW - w) / 2, y: (dstH - h) / 2, w, h };
}

/** A normalized box in canvas pixels, given the rectangle the image was drawn into. */
export function boxRect(b: Box, image: Rect): Rect {
  return { x: image.x + (b.cx - b.w / 2) * image.w, y: image.y + (b.cy - b.h / 2) * image.h, w: b.w * image.w, h: b.h * image.h };
}

/** Decode size of a thumbnail: the image scaled so its longer side is `maxSide` (never enlarged), at least 1 px. */
export function thumbSize(srcW: number, srcH: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(srcW, srcH));
  return { width: Math.max(1, Math.round(srcW * s)), height: Math.max(1, Math.round(srcH * s)) };
}

/** The file name of a stored path, for captions. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
