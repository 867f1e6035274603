// One colour per class, the same in the statistics plots, the image grid and the large view. Hues step by the golden
// angle so neighbouring class ids never look alike, however many classes there are (80 for COCO).

const GOLDEN_ANGLE = 137.508;

/** CSS colour of class `cls` (any non-negative integer). */
export function classColor(cls: number): string {
  const hue = (cls * GOLDEN_ANGLE + 210) % 360;
  // Alternate lightness a little so classes with close hues (every ~2.6 ids) still differ.
  const light = cls % 2 ? 38 : 48;
  return `hsl(${hue.toFixed(1)} 80% ${light}%)`;
}

/**
 * Fill of a heat-map cell with `count` boxes when the fullest cell has `max`: square-root scale (a few dense cells
 * would otherwise wash the rest out), transparent for zero.
 */
export function heatColor(count: number, max: number): string {
  if (count <= 0 || max <= 0) return 'transparent';
  const a = Math.sqrt(Math.min(count, max) / max);
  return `rgba(37, 99, 235, ${(0.12 + 0.88 * a).toFixed(3)})`;
}
