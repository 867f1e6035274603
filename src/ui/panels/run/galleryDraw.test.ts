import { describe, expect, it } from 'vitest';
import type { GalleryEntry } from '../../../protocol/valAnalytics';
import { drawTile, tileBoxes, tileCaption, tileSize, type TileContext } from './galleryDraw';

const entry: GalleryEntry = {
  key: 'k1', width: 200, height: 100,
  labels: Float32Array.of(1, 10, 20, 50, 60),
  dets: Float32Array.of(12, 22, 52, 58, 0.8, 1, 100, 0, 150, 40, 0.3, 0, 0, 0, 5, 5, 0.1, 2),
};

/** Records the calls a tile makes. */
function fakeContext() {
  const calls: string[] = [];
  const ctx: TileContext = {
    strokeStyle: '', fillStyle: '', lineWidth: 1, font: '',
    drawImage: (_i, x, y, w, h) => calls.push(`image ${x},${y},${w},${h}`),
    setLineDash: (s) => calls.push(`dash ${s.join(',')}`),
    strokeRect: (x, y, w, h) => calls.push(`stroke ${ctx.strokeStyle} ${x},${y},${w},${h}`),
    fillRect: (x, y, w, h) => calls.push(`fill ${ctx.fillStyle} ${x},${y},${w},${h}`),
    fillText: (t, x, y) => calls.push(`text ${t} ${x},${y}`),
    measureText: (t) => ({ width: t.length * 6 }),
  };
  return { ctx, calls };
}

describe('gallery tile', () => {
  it('fits the long side, never enlarging past 2x', () => {
    expect(tileSize(200, 100, 160)).toEqual({ width: 160, height: 80, scale: 0.8 });
    expect(tileSize(40, 20, 160)).toEqual({ width: 80, height: 40, scale: 2 });
  });

  it('scales true boxes and keeps predictions above the threshold only', () => {
    const { truth, preds } = tileBoxes(entry, 0.25, 0.5);
    expect(truth).toEqual([{ cls: 1, x: 5, y: 10, w: 20, h: 20 }]);
    expect(preds.map((p) => [p.cls, +p.conf!.toFixed(2)])).toEqual([[1, 0.8], [0, 0.3]]);
    expect(preds[0]).toMatchObject({ x: 6, y: 11, w: 20, h: 18 });
    expect(tileBoxes(entry, 0.5, 1).preds).toHaveLength(1);
    expect(tileBoxes(entry, 0, 1).preds).toHaveLength(3);
  });

  it('draws the image, dashed true boxes, then labelled predictions in class colours', () => {
    const { ctx, calls } = fakeContext();
    const size = { width: 100, height: 50 };
    drawTile(ctx, {} as CanvasImageSource, size, tileBoxes(entry, 0.25, 0.5), {
      names: ['cat', 'dog'], color: (c) => `col${c}`, truth: true,
    });
    expect(calls).toEqual([
      'image 0,0,100,50',
      'dash 4,3', 'stroke col1 5,10,20,20', 'dash ',
      'stroke col1 6,11,20,18', 'fill col1 6,11,52,13', 'text dog 0.80 8,21',
      // Touching the top edge: the label goes inside the box.
      'stroke col0 50,0,25,20', 'fill col0 50,0,52,13', 'text cat 0.30 52,10',
    ]);
  });

  it('without true boxes draws only the predictions', () => {
    const { ctx, calls } = fakeContext();
    drawTile(ctx, {} as CanvasImageSource, { width: 10, height: 10 }, tileBoxes(entry, 0.9, 1), { names: [], color: () => 'c', truth: false });
    expect(calls).toEqual(['image 0,0,10,10']);
  });

  it('captions counts, and the best confidence when nothing passes the threshold', () => {
    expect(tileCaption(entry, { truth: 1, preds: 2 }, 0.25)).toBe('1 true · 2 predicted > 0.25');
    expect(tileCaption(entry, { truth: 1, preds: 0 }, 0.9)).toBe('1 true · 0 predicted > 0.90 (best 0.800)');
    expect(tileCaption({ ...entry, dets: new Float32Array(0) }, { truth: 1, preds: 0 }, 0.25)).toBe('1 true · 0 predicted > 0.25');
  });
});
