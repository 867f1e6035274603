import { describe, expect, it } from 'vitest';
import { oracleImage } from '../testing';
import { fliplrImage, fliplrLabels, flipudImage, flipudLabels } from './flip';

const px = (img: { data: Uint8Array; width: number }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('flips', () => {
  it.each([[5, 3], [6, 4], [1, 1]])('fliplr / flipud move pixels like np.fliplr / np.flipud (%ix%i)', (w, h) => {
    const src = oracleImage(w, h, 2);
    const lr = fliplrImage({ ...src, data: src.data.slice() });
    const ud = flipudImage({ ...src, data: src.data.slice() });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        expect(px(lr, x, y)).toEqual(px(src, w - 1 - x, y));
        expect(px(ud, x, y)).toEqual(px(src, x, h - 1 - y));
      }
    }
  });

  it('moves the label centre only, in float32', () => {
    const lb = Float32Array.of(2, 0.25, 0.1, 0.3, 0.2, 0, 0.7, 0.9, 0.1, 0.1);
    fliplrLabels(lb);
    expect(Array.from(lb)).toEqual(Array.from(Float32Array.of(2, 1 - Math.fround(0.25), 0.1, 0.3, 0.2, 0, 1 - Math.fround(0.7), 0.9, 0.1, 0.1)));
    flipudLabels(lb);
    expect(lb[2]).toBe(Math.fround(1 - Math.fround(0.1)));
    expect(lb[7]).toBe(Math.fround(1 - Math.fround(0.9)));
    expect(lb[0]).toBe(2);
  });
});
