import { describe, expect, it } from 'vitest';
import { backgroundPixels, hsv, imageRng, makeScene, SAMPLE_NAMES, SAMPLE_SIZE, sceneLabels } from './scene';

describe('sample scenes', () => {
  const scenes = Array.from({ length: 80 }, (_, i) => makeScene(imageRng(0, i < 64 ? 'train' : 'val', i % 64)));

  it('are reproducible from the seed and differ between images and seeds', () => {
    expect(makeScene(imageRng(0, 'train', 3))).toEqual(scenes[3]);
    expect(makeScene(imageRng(1, 'train', 3))).not.toEqual(scenes[3]);
    expect(scenes[4]).not.toEqual(scenes[3]);
    expect(makeScene(imageRng(0, 'val', 3))).not.toEqual(scenes[3]);
  });

  it('hold 1-4 shapes of every class, fully inside the image, barely overlapping', () => {
    const counts = [0, 0, 0];
    for (const s of scenes) {
      expect(s.shapes.length).toBeGreaterThanOrEqual(1);
      expect(s.shapes.length).toBeLessThanOrEqual(4);
      for (const sh of s.shapes) {
        counts[sh.cls]++;
        expect(sh.cx - sh.size / 2).toBeGreaterThanOrEqual(0);
        expect(sh.cy - sh.size / 2).toBeGreaterThanOrEqual(0);
        expect(sh.cx + sh.size / 2).toBeLessThanOrEqual(SAMPLE_SIZE);
        expect(sh.cy + sh.size / 2).toBeLessThanOrEqual(SAMPLE_SIZE);
      }
    }
    expect(counts.every((c) => c > 20)).toBe(true);
    expect(SAMPLE_NAMES).toHaveLength(3);
  });

  it('labels are normalised [cls, cx, cy, w, h] rows matching the shapes', () => {
    const s = scenes[0];
    const rows = sceneLabels(s);
    expect(rows.length).toBe(s.shapes.length * 5);
    s.shapes.forEach((sh, i) => {
      expect(Array.from(rows.subarray(i * 5, i * 5 + 5))).toEqual(
        [sh.cls, sh.cx / SAMPLE_SIZE, sh.cy / SAMPLE_SIZE, sh.size / SAMPLE_SIZE, sh.size / SAMPLE_SIZE].map(Math.fround),
      );
    });
  });

  it('backgrounds are opaque and textured (not one flat colour)', () => {
    const px = backgroundPixels(scenes[0].background, imageRng(0, 'train', 0));
    expect(px.length).toBe(SAMPLE_SIZE * SAMPLE_SIZE * 4);
    let opaque = true;
    const reds = new Set<number>();
    for (let i = 0; i < px.length; i += 4) {
      opaque &&= px[i + 3] === 255;
      reds.add(px[i]);
    }
    expect(opaque).toBe(true);
    expect(reds.size).toBeGreaterThan(10);
  });

  it('hsv converts the primaries', () => {
    expect(hsv(0, 1, 1)).toEqual([255, 0, 0]);
    expect(hsv(1 / 3, 1, 1)).toEqual([0, 255, 0]);
    expect(hsv(2 / 3, 1, 1)).toEqual([0, 0, 255]);
    expect(hsv(0.5, 0, 0.5)).toEqual([128, 128, 128]);
  });
});
