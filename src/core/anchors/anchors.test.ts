import { describe, expect, it } from 'vitest';
import { readRefJson, type RefTensor } from '../../../test/refs';
import { createRng } from '../rng';
import { anchorFitLine, checkAnchorOrder, checkAnchors } from './checkAnchors';
import { kmeanAnchors, kmeans } from './kmeans';
import { anchorFitness, anchorMetric, labelWh, type AnchorImage } from './metric';
import { pyFixed } from './pyfmt';

interface AutoAnchorRef {
  wh_labels_px: RefTensor;
  default_anchors_px: RefTensor;
  bpr_aat_noscale: [number, number];
  bpr_aat_checkanchors_seed0: [number, number];
  check_anchors_log: string;
  kmean_anchors_run1: RefTensor;
  kmean_anchors_run2: RefTensor;
  kmean_bpr_aat_noscale: [number, number];
}
const ref = readRefJson<AutoAnchorRef>('autoanchor.json');
const WH = Float32Array.from(ref.wh_labels_px.data, Math.fround);
const DEFAULT_PX = Float32Array.from(ref.default_anchors_px.data);
const STRIDE = [8, 16, 32];
const toGrid = (px: Float32Array) => Float32Array.from(px, (a, i) => a / STRIDE[Math.floor(i / 6)]);

/** The fixture's labels as 256x256 images, one label each (so wh * 256 / 256 reproduces them exactly). */
function imagesOf(wh: Float32Array, size = 256): AnchorImage[] {
  const out: AnchorImage[] = [];
  for (let i = 0; i < wh.length; i += 2) out.push({ width: size, height: size, rows: Float32Array.of(0, 0.5, 0.5, wh[i] / size, wh[i + 1] / size) });
  return out;
}

/** 6 significant digits, as the fixture stores numbers. */
const six = (x: number) => Number(x.toPrecision(6));

describe('check_anchors parity (autoanchor.json)', () => {
  it('BPR and anchors-above-threshold of the default anchors, no scale: exact', () => {
    const { bpr, aat } = anchorMetric(WH, DEFAULT_PX, 4.0);
    expect(bpr).toBe(ref.bpr_aat_noscale[0]);
    expect(six(aat)).toBe(ref.bpr_aat_noscale[1]);
  });

  it('the same through checkAnchors on the model\'s grid anchors, with upstream\'s log line', () => {
    const r = checkAnchors({ images: imagesOf(WH), anchors: toGrid(DEFAULT_PX), stride: STRIDE, anchorT: 4, imgsz: 256, rng: createRng(0), jitter: false });
    expect([r.bpr, six(r.aat), r.anchors, r.newBpr]).toEqual([1, 5.82887, null, null]);
    expect(r.lines).toEqual(['\nAutoAnchor: 5.83 anchors/target, 1.000 Best Possible Recall (BPR). Current anchors are a good fit to dataset ✅']);
  });

  it('the log line of the seeded (jittered) upstream run, from its numbers', () => {
    const [bpr, aat] = ref.bpr_aat_checkanchors_seed0;
    expect(anchorFitLine(Math.fround(aat), Math.fround(bpr)) + '\n').toBe(ref.check_anchors_log);
  });

  it('with the 0.9-1.1 scale jitter (our stream): still BPR 1 and about the same anchors/target', () => {
    const r = checkAnchors({ images: imagesOf(WH), anchors: toGrid(DEFAULT_PX), stride: STRIDE, anchorT: 4, imgsz: 256, rng: createRng(0) });
    expect(r.bpr).toBe(1);
    expect(Math.abs(r.aat - ref.bpr_aat_checkanchors_seed0[1])).toBeLessThan(0.15);
    expect(r.anchors).toBeNull();
  });

  it('metric of upstream\'s k-means anchors: exact', () => {
    const up = Float32Array.from(ref.kmean_anchors_run1.data);
    const { bpr, aat } = anchorMetric(WH, up, 4.0);
    expect([bpr, six(aat)]).toEqual(ref.kmean_bpr_aat_noscale);
  });
});

describe('kmean_anchors', () => {
  const upstream = Float32Array.from(ref.kmean_anchors_run1.data);
  const upstreamFitness = anchorFitness(WH, upstream, 4.0);

  it('k-means + GA (seed 0) reaches at least upstream\'s BPR and fitness on the same labels', () => {
    const r = kmeanAnchors(WH, { n: 9, imgSize: 256, anchorT: 4, gen: 1000, rng: createRng(0) });
    expect(r.fitness).toBeCloseTo(anchorFitness(WH, r.anchors, 4), 6);
    expect(r.fitness).toBeGreaterThanOrEqual(upstreamFitness);
    expect(anchorMetric(WH, r.anchors, 4).bpr).toBeGreaterThanOrEqual(ref.kmean_bpr_aat_noscale[0]);
    // sorted small to large
    const areas = Array.from({ length: 9 }, (_, i) => r.anchors[2 * i] * r.anchors[2 * i + 1]);
    expect(areas).toEqual([...areas].sort((a, b) => a - b));
    expect(r.lines[0]).toBe('AutoAnchor: Running kmeans for 9 anchors on 485 points...');
    expect(r.lines[1]).toMatch(/^AutoAnchor: Evolving anchors with Genetic Algorithm: fitness = 0\.85\d\d$/);
    expect(r.lines[2]).toMatch(/^AutoAnchor: thr=0\.25: 1\.0000 best possible recall, \d\.\d\d anchors past thr$/);
    expect(r.lines[3]).toMatch(/^AutoAnchor: n=9, img_size=256, metric_all=0\.\d{3}\/0\.\d{3}-mean\/best, past_thr=0\.\d{3}-mean: (\d+,\d+, ){8}\d+,\d+$/);
  });

  it('is deterministic for a seed, and the GA only ever improves on k-means', () => {
    const a = kmeanAnchors(WH, { n: 9, imgSize: 256, gen: 50, rng: createRng(7) });
    const b = kmeanAnchors(WH, { n: 9, imgSize: 256, gen: 50, rng: createRng(7) });
    expect(a.anchors).toEqual(b.anchors);
    const k0 = kmeanAnchors(WH, { n: 9, imgSize: 256, gen: 0, rng: createRng(7) });
    expect(a.fitness).toBeGreaterThanOrEqual(k0.fitness);
  });

  it('too few labels: random init with upstream\'s warning; tiny labels are reported and filtered', () => {
    const wh = Float32Array.of(10, 12, 1, 1, 2.5, 40);
    const r = kmeanAnchors(wh, { n: 9, imgSize: 64, gen: 10, rng: createRng(1) });
    expect(r.lines[0]).toBe('AutoAnchor: WARNING ⚠️ Extremely small objects found: 2 of 3 labels are <3 pixels in size');
    expect(r.lines[1]).toBe('AutoAnchor: Running kmeans for 9 anchors on 2 points...');
    expect(r.lines[2]).toBe('AutoAnchor: WARNING ⚠️ switching strategies from kmeans to random init');
    expect(r.anchors).toHaveLength(18);
  });

  it('k-means finds well separated clusters', () => {
    const pts: number[] = [];
    for (const [cx, cy] of [[0, 0], [10, 10], [0, 10]]) for (let i = 0; i < 20; i++) pts.push(cx + (i % 5) * 0.01, cy + Math.floor(i / 5) * 0.01);
    const book = kmeans(Float64Array.from(pts), 2, 3, createRng(3))!;
    const centres = [0, 1, 2].map((c) => [book[2 * c], book[2 * c + 1]].map((v) => Math.round(v))).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(centres).toEqual([[0, 0], [0, 10], [10, 10]]);
    expect(kmeans(Float64Array.of(1, 2), 2, 3, createRng(0))).toBeNull();
  });
});

describe('poor fit: anchors are replaced', () => {
  it('tiny anchors -> kmeans anchors with a higher BPR, in grid units, in stride order', () => {
    const tinyPx = Float32Array.from({ length: 18 }, (_, i) => 2 + (i % 6));
    const r = checkAnchors({ images: imagesOf(WH), anchors: toGrid(tinyPx), stride: STRIDE, anchorT: 4, imgsz: 256, rng: createRng(0), gen: 100 });
    expect(r.bpr).toBeLessThan(0.98);
    expect(r.lines[0]).toMatch(/^\nAutoAnchor: \d\.\d\d anchors\/target, 0\.\d{3} Best Possible Recall \(BPR\)\. Anchors are a poor fit to dataset ⚠️, attempting to improve\.\.\.$/);
    expect(r.lines).toContain('AutoAnchor: Running kmeans for 9 anchors on 485 points...');
    expect(r.lines.at(-1)).toBe('AutoAnchor: Done ✅ (optional: update model *.yaml to use these anchors in the future)');
    expect(r.newBpr!).toBeGreaterThan(r.bpr);
    const px = Float32Array.from(r.anchors!, (a, i) => a * STRIDE[Math.floor(i / 6)]);
    expect(anchorMetric(labelWh(imagesOf(WH), 256), px, 4).bpr).toBeCloseTo(1, 2);
    const levelArea = (l: number) => [0, 2, 4].reduce((s, j) => s + px[l * 6 + j] * px[l * 6 + j + 1], 0);
    expect(levelArea(0)).toBeLessThan(levelArea(2));
  });

  it('check_anchor_order flips levels whose area shrinks with stride', () => {
    const reversed = Float32Array.from([...DEFAULT_PX.slice(12), ...DEFAULT_PX.slice(6, 12), ...DEFAULT_PX.slice(0, 6)]);
    const r = checkAnchorOrder(reversed, STRIDE);
    expect(r.reversed).toBe(true);
    expect(r.anchors).toEqual(DEFAULT_PX);
    expect(checkAnchorOrder(DEFAULT_PX, STRIDE).reversed).toBe(false);
  });
});

describe('label wh', () => {
  it('scales by imgsz / longest side of each image and by the per-image jitter', () => {
    const images: AnchorImage[] = [
      { width: 640, height: 480, rows: Float32Array.of(0, 0.5, 0.5, 0.25, 0.5, 1, 0.2, 0.2, 0.1, 0.1) },
      { width: 300, height: 600, rows: Float32Array.of(2, 0.5, 0.5, 0.5, 0.5) },
    ];
    const f = Math.fround;
    expect(Array.from(labelWh(images, 320))).toEqual([f(0.25) * 320, f(0.5) * 240, f(0.1) * 320, f(0.1) * 240, 0.5 * 160, 0.5 * 320].map(f));
    expect(Array.from(labelWh(images, 320, [1.1, 0.9]))).toEqual([f(0.25) * (320 * 1.1), f(0.5) * (240 * 1.1), f(0.1) * (320 * 1.1), f(0.1) * (240 * 1.1), 0.5 * (160 * 0.9), 0.5 * (320 * 0.9)].map(f));
  });

  it('formats like Python f-strings, ties to even', () => {
    expect([pyFixed(5.125, 2), pyFixed(0.375, 2), pyFixed(5.82887, 2), pyFixed(0.9999, 3), pyFixed(2.5, 0)]).toEqual(['5.12', '0.38', '5.83', '1.000', '2']);
  });
});
