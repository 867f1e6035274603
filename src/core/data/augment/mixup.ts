// Upstream's mixup: blend two equally sized images with r ~ Beta(32, 32) (so r stays near 0.5) and keep both label
// sets. numpy's beta sampler cannot be replayed from our stream, so Beta comes from two seeded Gamma draws
// (Marsaglia & Tsang, 2000): X ~ G(a), Y ~ G(b), X / (X + Y) ~ Beta(a, b).
import type { Rng } from '../../rng';
import { assertRgbImage, type RgbImage } from '../image';

/** Gamma(alpha, 1) by Marsaglia-Tsang squeeze; alpha < 1 through the boost G(alpha + 1) * U^(1/alpha). */
export function sampleGamma(rng: Rng, alpha: number): number {
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new RangeError(`sampleGamma: alpha must be a positive number, got ${alpha}`);
  if (alpha < 1) return sampleGamma(rng, alpha + 1) * Math.pow(1 - rng.next(), 1 / alpha);
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next(); // (0, 1]: log(u) is finite
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) from two Gamma draws. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}

export interface MixupResult {
  image: RgbImage;
  /** The rows of `labels` followed by those of `labels2`. */
  labels: Float32Array;
  /** The blend weight of the first image. */
  r: number;
}

/**
 * mixup(im, labels, im2, labels2): im * r + im2 * (1 - r) in float64, truncated to uint8 as numpy's astype does,
 * into a new image. Label rows (any width) are concatenated.
 */
export function mixup(img: RgbImage, labels: Float32Array, img2: RgbImage, labels2: Float32Array, rng: Rng): MixupResult {
  checkPair(img, img2);
  const r = sampleBeta(rng, 32, 32);
  return { image: blendImages(img, img2, r), labels: concatLabels(labels, labels2), r };
}

function checkPair(img: RgbImage, img2: RgbImage): void {
  assertRgbImage(img, 'mixup image 1');
  assertRgbImage(img2, 'mixup image 2');
  if (img.width !== img2.width || img.height !== img2.height) {
    throw new RangeError(`mixup: images must have the same size, got ${img.width}x${img.height} and ${img2.width}x${img2.height}`);
  }
}

/** The pixel half of mixup for a given weight r: a new image im * r + im2 * (1 - r), truncated. */
export function blendImages(img: RgbImage, img2: RgbImage, r: number): RgbImage {
  checkPair(img, img2);
  // Per-value products are the same doubles numpy computes; their sums are in [0, 255], so truncation is floor.
  const a = Float64Array.from({ length: 256 }, (_, v) => v * r);
  const b = Float64Array.from({ length: 256 }, (_, v) => v * (1 - r));
  const s1 = img.data;
  const s2 = img2.data;
  const out = new Uint8Array(s1.length);
  for (let i = 0; i < s1.length; i++) out[i] = a[s1[i]] + b[s2[i]];
  return { data: out, width: img.width, height: img.height };
}

/** The rows of `labels` followed by those of `labels2`. */
export function concatLabels(labels: Float32Array, labels2: Float32Array): Float32Array {
  const merged = new Float32Array(labels.length + labels2.length);
  merged.set(labels);
  merged.set(labels2, labels.length);
  return merged;
}
