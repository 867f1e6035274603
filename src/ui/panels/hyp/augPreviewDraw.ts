// One augmentation preview tile: the training sample scaled to the tile, its boxes in the class colours with the
// class name on each (drawn as the validation gallery draws its predictions). Geometry is pure; drawing goes through
// the few canvas calls it needs (galleryDraw's TileContext), so a recording fake can test it.
import type { AugPreviewSample } from '../../../protocol/augPreview';
import { labelledBox, type TileContext } from '../run/galleryDraw';

export interface PreviewBox {
  cls: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The tile's canvas size: the sample's long side scaled to `max` (small samples are enlarged, pixels kept sharp). */
export function previewTileSize(width: number, height: number, max: number): { width: number; height: number; scale: number } {
  const scale = max / Math.max(width, height);
  return { width: Math.round(width * scale), height: Math.round(height * scale), scale };
}

/** (n, 5) [cls, x1, y1, x2, y2] sample pixels -> tile rectangles. */
export function previewBoxes(boxes: Float32Array, scale: number): PreviewBox[] {
  const out: PreviewBox[] = [];
  for (let k = 0; k + 5 <= boxes.length; k += 5) {
    const [cls, x1, y1, x2, y2] = boxes.subarray(k, k + 5);
    out.push({ cls, x: x1 * scale, y: y1 * scale, w: (x2 - x1) * scale, h: (y2 - y1) * scale });
  }
  return out;
}

export function drawPreviewTile(
  ctx: TileContext & { imageSmoothingEnabled: boolean },
  image: CanvasImageSource,
  size: { width: number; height: number; scale: number },
  boxes: PreviewBox[],
  style: { names: readonly string[]; color: (cls: number) => string },
): void {
  // Enlarged samples (imgsz 64 in a 180 px tile) stay blocky: the preview shows the pixels training gets.
  ctx.imageSmoothingEnabled = size.scale < 1;
  ctx.drawImage(image, 0, 0, size.width, size.height);
  ctx.setLineDash([]);
  ctx.lineWidth = 2;
  ctx.font = '11px system-ui, sans-serif';
  for (const b of boxes) labelledBox(ctx, b, style.names[b.cls] ?? `class ${b.cls}`, style.color(b.cls));
}

/** FNV-1a of the pixels: a short fingerprint shown on the tile (the same seed and settings give the same one). */
export function pixelDigest(bytes: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** "mosaic · 5 boxes · images/train/a.jpg" under the tile. */
export function previewCaption(s: Pick<AugPreviewSample, 'kind' | 'boxes' | 'file'>): string {
  const n = s.boxes.length / 5;
  const name = s.file.split('/').pop() ?? s.file;
  return `${s.kind} · ${n} box${n === 1 ? '' : 'es'} · ${name}`;
}
