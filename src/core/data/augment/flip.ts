// Upstream's flips (np.fliplr / np.flipud) with their label updates. Labels here are normalized [cls, x, y, w, h]
// rows (float32), as upstream flips after converting to xywhn: only the centre moves, 1 - x or 1 - y.
import type { RgbImage } from '../image';

/** Mirror left-right in place. */
export function fliplrImage(img: RgbImage): RgbImage {
  const { data: d, width, height } = img;
  const row = width * 3;
  for (let y = 0; y < height; y++) {
    let a = y * row;
    let b = a + row - 3;
    for (; a < b; a += 3, b -= 3) {
      const r = d[a];
      const g = d[a + 1];
      const bl = d[a + 2];
      d[a] = d[b];
      d[a + 1] = d[b + 1];
      d[a + 2] = d[b + 2];
      d[b] = r;
      d[b + 1] = g;
      d[b + 2] = bl;
    }
  }
  return img;
}

/** Mirror top-bottom in place. */
export function flipudImage(img: RgbImage): RgbImage {
  const { data: d, width, height } = img;
  const row = width * 3;
  const tmp = new Uint8Array(row);
  for (let y = 0, z = height - 1; y < z; y++, z--) {
    tmp.set(d.subarray(y * row, y * row + row));
    d.copyWithin(y * row, z * row, z * row + row);
    d.set(tmp, z * row);
  }
  return img;
}

/** x = 1 - x on (n, 5) normalized label rows, in place (float32 as upstream's labels). */
export function fliplrLabels(labels: Float32Array): Float32Array {
  for (let i = 1; i < labels.length; i += 5) labels[i] = 1 - labels[i];
  return labels;
}

/** y = 1 - y on (n, 5) normalized label rows, in place. */
export function flipudLabels(labels: Float32Array): Float32Array {
  for (let i = 2; i < labels.length; i += 5) labels[i] = 1 - labels[i];
  return labels;
}
