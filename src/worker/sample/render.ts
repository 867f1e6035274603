// A sample scene to encoded image bytes in the worker: background pixels from scene.ts, shapes drawn with the
// canvas 2D API (anti-aliased edges, as a photo would have), then JPEG-encoded like most real datasets.
import type { Rng } from '../../core/rng';
import { backgroundPixels, SAMPLE_SIZE, type Scene, type Shape } from './scene';

function drawShape(ctx: OffscreenCanvasRenderingContext2D, s: Shape): void {
  const h = s.size / 2;
  ctx.fillStyle = `rgb(${s.color[0]}, ${s.color[1]}, ${s.color[2]})`;
  ctx.beginPath();
  if (s.cls === 0) {
    ctx.arc(s.cx, s.cy, h, 0, Math.PI * 2);
  } else if (s.cls === 1) {
    ctx.rect(s.cx - h, s.cy - h, s.size, s.size);
  } else {
    // Apex at the top centre, base along the bottom edge: the box is exactly size x size.
    ctx.moveTo(s.cx, s.cy - h);
    ctx.lineTo(s.cx + h, s.cy + h);
    ctx.lineTo(s.cx - h, s.cy + h);
    ctx.closePath();
  }
  ctx.fill();
}

export async function renderScene(scene: Scene, rng: Rng, size = SAMPLE_SIZE): Promise<Blob> {
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2d context is unavailable in this worker');
  ctx.putImageData(new ImageData(backgroundPixels(scene.background, rng, size), size, size), 0, 0);
  for (const s of scene.shapes) drawShape(ctx, s);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
}
