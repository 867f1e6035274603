// Drawing an image and its boxes into a canvas, in the class colours of the plots. Geometry is in imagePages.ts.
import type { ImageRef } from '../../../storage';
import { boxesOf, boxRect, fitContain, type Rect } from './imagePages';
import { classColor } from './palette';

export interface DrawOptions {
  /** Class names to write above each box (large view); omitted for thumbnails. */
  names?: readonly string[];
  /** Only this class's boxes drawn thick, the others thin (the class filter). */
  highlight?: number | null;
}

/** Sizes the canvas to its CSS box times the device pixel ratio, draws the image letterboxed and its boxes. */
export function drawLabelled(canvas: HTMLCanvasElement, bitmap: ImageBitmap, ref: Pick<ImageRef, 'labels'>, opts: DrawOptions = {}): number {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const cssW = canvas.clientWidth || canvas.width;
  const cssH = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#f3f4f6';
  ctx.fillRect(0, 0, cssW, cssH);
  const img: Rect = fitContain(bitmap.width, bitmap.height, cssW, cssH);
  ctx.drawImage(bitmap, img.x, img.y, img.w, img.h);
  const boxes = boxesOf(ref);
  const thick = opts.names ? 2 : 1.5;
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textBaseline = 'bottom';
  for (const b of boxes) {
    const r = boxRect(b, img);
    const colour = classColor(b.cls);
    const dim = opts.highlight != null && b.cls !== opts.highlight;
    ctx.globalAlpha = dim ? 0.45 : 1;
    ctx.lineWidth = dim ? 1 : thick;
    ctx.strokeStyle = colour;
    ctx.strokeRect(r.x, r.y, r.w, r.h);
    if (opts.names) {
      const label = opts.names[b.cls] ?? `class ${b.cls}`;
      const tw = ctx.measureText(label).width + 6;
      const ty = r.y >= 16 ? r.y : r.y + 16;
      ctx.fillStyle = colour;
      ctx.fillRect(r.x - 1, ty - 16, tw, 16);
      ctx.fillStyle = '#fff';
      ctx.fillText(label, r.x + 2, ty - 2);
    }
  }
  ctx.globalAlpha = 1;
  return boxes.length;
}
