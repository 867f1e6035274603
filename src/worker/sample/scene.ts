// The built-in sample dataset as data: per image a textured background and 1-4 coloured shapes (circle, square,
// triangle) whose boxes are known exactly. Pure: the same seed gives the same scenes and labels everywhere; render.ts
// turns a scene into pixels in the worker.
import { createRng, type Rng } from '../../core/rng';

export const SAMPLE_NAMES = ['circle', 'square', 'triangle'] as const;
export const SAMPLE_SIZE = 128;
export const SAMPLE_COUNTS = { train: 64, val: 16 } as const;

export type Rgb = [number, number, number];

export interface Shape {
  /** Index into SAMPLE_NAMES. */
  cls: 0 | 1 | 2;
  /** Centre of the box, pixels. */
  cx: number;
  cy: number;
  /** Box side, pixels: a circle's diameter, a square's side, a triangle's base and height. */
  size: number;
  color: Rgb;
}

export interface Background {
  kind: 'blotches' | 'stripes' | 'checker';
  base: Rgb;
  alt: Rgb;
  /** Stripe / checker period, pixels. */
  period: number;
  /** Stripe direction, radians. */
  angle: number;
  /** Per-pixel noise amplitude, levels. */
  noise: number;
}

export interface Scene {
  background: Background;
  shapes: Shape[];
}

/** HSV in [0, 1] -> RGB 0-255. */
export function hsv(h: number, s: number, v: number): Rgb {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const rgb = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i];
  return rgb.map((c) => Math.round(c * 255)) as Rgb;
}

function iou(a: Shape, b: Shape): number {
  const ix = Math.max(0, Math.min(a.cx + a.size / 2, b.cx + b.size / 2) - Math.max(a.cx - a.size / 2, b.cx - b.size / 2));
  const iy = Math.max(0, Math.min(a.cy + a.size / 2, b.cy + b.size / 2) - Math.max(a.cy - a.size / 2, b.cy - b.size / 2));
  const inter = ix * iy;
  return inter / (a.size * a.size + b.size * b.size - inter);
}

/** The image's own random stream: image i does not depend on how many images came before it. */
export function imageRng(seed: number, split: 'train' | 'val', index: number): Rng {
  return createRng((seed ^ Math.imul(index + 1, 0x9e3779b1) ^ (split === 'val' ? 0x5a5a5a5a : 0)) >>> 0);
}

export function makeScene(rng: Rng, size = SAMPLE_SIZE): Scene {
  // Muted backgrounds, saturated shapes: hard enough to need training, easy enough to learn in a few epochs.
  const hue = rng.next();
  const kinds: Background['kind'][] = ['blotches', 'stripes', 'checker'];
  const background: Background = {
    kind: kinds[rng.int(3)],
    base: hsv(hue, rng.uniform(0.05, 0.3), rng.uniform(0.25, 0.6)),
    alt: hsv((hue + rng.uniform(0.05, 0.2)) % 1, rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.7)),
    period: 6 + rng.int(14),
    angle: rng.uniform(0, Math.PI),
    noise: 6 + rng.int(20),
  };
  const shapes: Shape[] = [];
  const want = 1 + rng.int(4);
  for (let tries = 0; shapes.length < want && tries < 40; tries++) {
    const side = Math.round(size * rng.uniform(0.15, 0.38));
    const half = side / 2;
    const s: Shape = {
      cls: rng.int(3) as Shape['cls'],
      cx: Math.round(rng.uniform(half + 1, size - half - 1)),
      cy: Math.round(rng.uniform(half + 1, size - half - 1)),
      size: side,
      color: hsv(rng.next(), rng.uniform(0.6, 1), rng.uniform(0.75, 1)),
    };
    if (shapes.every((o) => iou(o, s) < 0.05)) shapes.push(s);
  }
  return { background, shapes };
}

/** (n, 5) [cls, cx, cy, w, h] normalised by the image size. */
export function sceneLabels(scene: Scene, size = SAMPLE_SIZE): Float32Array {
  const out = new Float32Array(scene.shapes.length * 5);
  scene.shapes.forEach((s, i) => out.set([s.cls, s.cx / size, s.cy / size, s.size / size, s.size / size], i * 5));
  return out;
}

/** The background as (size, size, 4) RGBA, opaque. Uses `rng` for the per-pixel noise and the blotch field. */
export function backgroundPixels(bg: Background, rng: Rng, size = SAMPLE_SIZE): Uint8ClampedArray<ArrayBuffer> {
  const px = new Uint8ClampedArray(size * size * 4);
  // Blotches: a coarse 9x9 grid of weights, bilinearly interpolated (value noise).
  const g = 9;
  const grid = Float32Array.from({ length: g * g }, () => rng.next());
  const cos = Math.cos(bg.angle);
  const sin = Math.sin(bg.angle);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let w: number;
      if (bg.kind === 'stripes') {
        w = Math.floor((x * cos + y * sin) / bg.period) % 2 === 0 ? 0 : 1;
      } else if (bg.kind === 'checker') {
        w = (Math.floor(x / bg.period) + Math.floor(y / bg.period)) % 2;
      } else {
        const fx = (x / size) * (g - 1);
        const fy = (y / size) * (g - 1);
        const x0 = Math.floor(fx);
        const y0 = Math.floor(fy);
        const tx = fx - x0;
        const ty = fy - y0;
        const at = (i: number, j: number) => grid[Math.min(j, g - 1) * g + Math.min(i, g - 1)];
        w = (at(x0, y0) * (1 - tx) + at(x0 + 1, y0) * tx) * (1 - ty) + (at(x0, y0 + 1) * (1 - tx) + at(x0 + 1, y0 + 1) * tx) * ty;
      }
      const n = (rng.next() - 0.5) * 2 * bg.noise;
      const o = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = bg.base[c] * (1 - w) + bg.alt[c] * w + n;
      px[o + 3] = 255;
    }
  }
  return px;
}
