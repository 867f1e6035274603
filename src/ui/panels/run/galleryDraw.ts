// One gallery tile: a validation image with its true boxes (dashed) and the predictions above a confidence
// threshold (solid, class colour, "name 0.42"), scaled to the tile. Geometry is pure; drawing goes through the few
// canvas calls it needs, so a recording fake can test it.
import type { GalleryEntry } from '../../../protocol/valAnalytics';

export interface TileBox {
  cls: number;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Predictions only. */
  conf?: number;
}

/** The tile's size: the image scaled to fit `max` on its long side (never enlarged past 2x). */
export function tileSize(width: number, height: number, max: number): { width: number; height: number; scale: number } {
  const scale = Math.min(max / Math.max(width, height), 2);
  return { width: Math.round(width * scale), height: Math.round(height * scale), scale };
}

/** True and predicted boxes (confidence above `conf`, as upstream's plot_images shows > 0.25) in tile pixels. */
export function tileBoxes(entry: GalleryEntry, conf: number, scale: number): { truth: TileBox[]; preds: TileBox[] } {
  const truth: TileBox[] = [];
  for (let k = 0; k + 5 <= entry.labels.length; k += 5) {
    const [cls, x1, y1, x2, y2] = entry.labels.subarray(k, k + 5);
    truth.push({ cls, x: x1 * scale, y: y1 * scale, w: (x2 - x1) * scale, h: (y2 - y1) * scale });
  }
  const preds: TileBox[] = [];
  for (let k = 0; k + 6 <= entry.dets.length; k += 6) {
    const [x1, y1, x2, y2, c, cls] = entry.dets.subarray(k, k + 6);
    if (c > conf) preds.push({ cls, conf: c, x: x1 * scale, y: y1 * scale, w: (x2 - x1) * scale, h: (y2 - y1) * scale });
  }
  return { truth, preds };
}

/** The canvas calls a tile uses (CanvasRenderingContext2D has them all). */
export interface TileContext {
  strokeStyle: string | CanvasGradient | CanvasPattern;
  fillStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  font: string;
  drawImage(image: CanvasImageSource, dx: number, dy: number, dw: number, dh: number): void;
  setLineDash(segments: number[]): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
}

export interface TileStyle {
  names: readonly string[];
  color: (cls: number) => string;
  /** Draw the true boxes. */
  truth: boolean;
}

export function drawTile(
  ctx: TileContext,
  image: CanvasImageSource,
  size: { width: number; height: number },
  boxes: { truth: TileBox[]; preds: TileBox[] },
  style: TileStyle,
): void {
  ctx.drawImage(image, 0, 0, size.width, size.height);
  if (style.truth) {
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    for (const b of boxes.truth) {
      ctx.strokeStyle = style.color(b.cls);
      ctx.strokeRect(b.x, b.y, b.w, b.h);
    }
    ctx.setLineDash([]);
  }
  ctx.lineWidth = 2;
  ctx.font = '11px system-ui, sans-serif';
  for (const b of boxes.preds) labelledBox(ctx, b, `${style.names[b.cls] ?? b.cls} ${(b.conf ?? 0).toFixed(2)}`, style.color(b.cls));
}

/** A solid box in `color` with `text` on a label of that colour (line width and font as the caller set them). */
export function labelledBox(ctx: TileContext, b: { x: number; y: number; w: number; h: number }, text: string, color: string): void {
  ctx.strokeStyle = color;
  ctx.strokeRect(b.x, b.y, b.w, b.h);
  const tw = ctx.measureText(text).width + 4;
  // The label sits above the box, or inside it when the box touches the top edge.
  const ty = b.y >= 13 ? b.y - 13 : b.y;
  ctx.fillStyle = color;
  ctx.fillRect(b.x, ty, tw, 13);
  ctx.fillStyle = '#fff';
  ctx.fillText(text, b.x + 2, ty + 10);
}

/** A tile's caption: counts, and the best confidence when nothing passes the threshold (an early model's usual case). */
export function tileCaption(entry: GalleryEntry, shown: { truth: number; preds: number }, conf: number): string {
  const base = `${shown.truth} true · ${shown.preds} predicted > ${conf.toFixed(2)}`;
  if (shown.preds > 0 || entry.dets.length === 0) return base;
  return `${base} (best ${entry.dets[4].toFixed(3)})`;
}
