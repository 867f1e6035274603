// OpenCV 4.6's 8-bit HSV conversion constants as tables, shared by the JS conversions (hsv.ts) and the wasm kernel
// (wasm/kernels.ts).
const f32 = Math.fround;
export const HSV_SHIFT = 12;
export const HALF = 1 << (HSV_SHIFT - 1);
/** Pixels per iteration of OpenCV's AVX2 HSV -> RGB loop: 4 vectors of 8 floats. */
export const SIMD_BLOCK = 32;

export const SDIV = new Int32Array(256);
export const HDIV = new Int32Array(256);
for (let i = 1; i < 256; i++) {
  SDIV[i] = Math.round((255 << HSV_SHIFT) / i); // exact ties cannot occur: 255*4096/i is never k + 0.5
  HDIV[i] = roundHalfEvenInt((180 << HSV_SHIFT) / (6 * i));
}

export function roundHalfEvenInt(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * HSV -> RGB float tables, indexed by h (0..179) and s (0..255): the factors V is multiplied by.
 * K1 = 1 - S, K2 = 1 - S*f (fused), K3 = 1 - S*(1 - f) fused (vector loop) and unfused (scalar tail), where
 * S = s/255 and f the fractional part of h/30, all float32.
 */
const C255 = f32(1 / 255);
export const VF = Float32Array.from({ length: 256 }, (_, v) => f32(v * C255));
export const K1 = Float32Array.from({ length: 256 }, (_, s) => f32(1 - f32(s * C255)));
export const K2 = new Float32Array(180 * 256);
export const K3F = new Float32Array(180 * 256);
export const K3U = new Float32Array(180 * 256);
/** Vector-path outputs that do not depend on hue: trunc(V*255) and trunc(V*K1*255), by v and (v, s) (a Uint8Array
 * store truncates non-negative values). */
export const O0 = Uint8Array.from(VF, (V) => f32(V * 255));
export const O1 = new Uint8Array(256 * 256);
for (let v = 0; v < 256; v++) for (let s = 0; s < 256; s++) O1[v * 256 + s] = f32(f32(VF[v] * K1[s]) * 255);
export const SECTOR = new Uint8Array(180);
{
  const hscale = f32(6 / 180);
  for (let h = 0; h < 180; h++) {
    const hh = f32(h * hscale);
    const sector = Math.floor(hh);
    const f = f32(hh - sector);
    const g = f32(1 - f);
    SECTOR[h] = sector;
    for (let s = 0; s < 256; s++) {
      const S = f32(s * C255);
      // FMA: S*f is exact in double (24 x 24 bits); 1 - S*f then rounds to double and to float32, which equals the
      // FMA's single rounding for every table entry (the exhaustive cv2 comparison in hsv.test.ts covers them all).
      K2[h * 256 + s] = f32(1 - S * f);
      K3F[h * 256 + s] = f32(1 - S * g);
      K3U[h * 256 + s] = f32(1 - f32(S * g));
    }
  }
}

/**
 * For the wasm kernel, which computes the factors instead of reading the big tables: each hue sector uses V, V*K1
 * and exactly one of V*K2 = V*(1 - S*f) and V*K3 = V*(1 - S*(1 - f)), both "1 - S*t". Per hue: t as float32, and
 * the channel (0 R, 1 G, 2 B) that V, V*K1 and V*(1 - S*t) go to, so stores need no branches.
 */
export function vectorSectorTables(): { t: Float32Array; pos0: Uint8Array; pos1: Uint8Array; posx: Uint8Array } {
  // [channel of V, channel of V*K1, channel of the third, the third is K2 (else K3)] per sector (OpenCV's sector_data)
  const bySector = [
    [0, 2, 1, 0],
    [1, 2, 0, 1],
    [1, 0, 2, 0],
    [2, 0, 1, 1],
    [2, 1, 0, 0],
    [0, 1, 2, 1],
  ];
  const t = new Float32Array(180);
  const pos0 = new Uint8Array(180);
  const pos1 = new Uint8Array(180);
  const posx = new Uint8Array(180);
  const hscale = f32(6 / 180);
  for (let h = 0; h < 180; h++) {
    const hh = f32(h * hscale);
    const f = f32(hh - Math.floor(hh));
    const [p0, p1, px, useK2] = bySector[SECTOR[h]];
    [pos0[h], pos1[h], posx[h]] = [p0, p1, px];
    t[h] = useK2 ? f : f32(1 - f);
  }
  return { t, pos0, pos1, posx };
}
