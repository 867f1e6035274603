import { describe, expect, it } from 'vitest';
import { drawPreviewTile, pixelDigest, previewBoxes, previewCaption, previewTileSize } from './augPreviewDraw';

describe('augmentation preview tiles', () => {
  it('scale the sample to the tile and its boxes with it', () => {
    const size = previewTileSize(64, 32, 180);
    expect(size).toEqual({ width: 180, height: 90, scale: 180 / 64 });
    const boxes = previewBoxes(Float32Array.from([2, 8, 4, 24, 20, 0, 0, 0, 64, 32]), size.scale);
    expect(boxes).toHaveLength(2);
    expect(boxes[0].cls).toBe(2);
    expect(boxes[0].x).toBeCloseTo(22.5);
    expect(boxes[0].w).toBeCloseTo(45);
    expect(boxes[1].h).toBeCloseTo(90);
  });

  it('draw every box in its class colour with its name, the image sharp when enlarged', () => {
    const calls: string[] = [];
    const ctx = {
      strokeStyle: '', fillStyle: '', lineWidth: 0, font: '', imageSmoothingEnabled: true,
      drawImage: (_i: unknown, x: number, y: number, w: number, h: number) => calls.push(`image ${x},${y},${w},${h}`),
      setLineDash: () => undefined,
      strokeRect(x: number, y: number, w: number, h: number) { calls.push(`box ${this.strokeStyle} ${x},${y},${w},${h}`); },
      fillRect: () => undefined,
      fillText: (t: string) => calls.push(`text ${t}`),
      measureText: (t: string) => ({ width: t.length * 5 }),
    };
    const size = previewTileSize(64, 64, 128);
    drawPreviewTile(ctx, {} as CanvasImageSource, size, previewBoxes(Float32Array.from([1, 0, 10, 32, 42, 3, 5, 5, 6, 6]), size.scale),
      { names: ['a', 'b'], color: (c) => `c${c}` });
    expect(ctx.imageSmoothingEnabled).toBe(false);
    expect(calls).toEqual(['image 0,0,128,128', 'box c1 0,20,64,64', 'text b', 'box c3 10,10,2,2', 'text class 3']);
  });

  it('fingerprint the pixels and caption the sample', () => {
    const a = Uint8Array.from([1, 2, 3, 4]);
    expect(pixelDigest(a)).toBe(pixelDigest(Uint8Array.from(a)));
    expect(pixelDigest(a)).not.toBe(pixelDigest(Uint8Array.from([1, 2, 3, 5])));
    expect(pixelDigest(a)).toMatch(/^[0-9a-f]{8}$/);
    expect(previewCaption({ kind: 'mosaic', boxes: new Float32Array(10), file: 'images/train/x.jpg' })).toBe('mosaic · 2 boxes · x.jpg');
    expect(previewCaption({ kind: 'letterbox', boxes: new Float32Array(5), file: 'y.png' })).toBe('letterbox · 1 box · y.png');
  });
});
