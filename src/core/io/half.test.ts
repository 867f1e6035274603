import { describe, expect, it } from 'vitest';
import { floatToHalfBits, halfToFloatTable } from './half';

describe('fp16 <-> fp32', () => {
  it('widening then narrowing is the identity for every non-NaN half', () => {
    const table = halfToFloatTable();
    let nan = 0;
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      if (Number.isNaN(table[h])) {
        nan++;
        if ((floatToHalfBits(table[h]) & 0x7e00) !== 0x7e00) wrong.push(h);
      } else if (floatToHalfBits(table[h]) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(nan).toBe(2 * 1023);
    expect(table[0x3c00]).toBe(1);
    expect(table[0x0001]).toBe(2 ** -24);
    expect(table[0xfbff]).toBe(-65504);
  });

  it('rounds to nearest even, saturates to inf and flushes like numpy float16', () => {
    // [float32 value, numpy np.float32(v).astype(np.float16) bits]
    const cases: [number, number][] = [
      [1.00048828125, 0x3c00], // tie -> even
      [1.00146484375, 0x3c02], // tie -> even (up)
      [65519.0, 0x7bff],
      [65520.0, 0x7c00], // overflow -> inf
      [2.9802322387695312e-8, 0x0], // exactly half the smallest subnormal -> 0
      [2.9805303114471826e-8, 0x1],
      [8.940696716308594e-8, 0x2],
      [1.4901161193847656e-7, 0x2],
      [0.10000000149011612, 0x2e66],
      [-0.30000001192092896, 0xb4cd],
      [3.141590118408203, 0x4248],
      [9.999999747378752e-6, 0xa8],
      [6.0999998822808266e-5, 0x3ff],
      [100000.0, 0x7c00],
      [-9.99999993922529e-9, 0x8000],
      [6.103515625e-5, 0x400],
    ];
    for (const [v, bits] of cases) expect(floatToHalfBits(v), String(v)).toBe(bits);
  });
});
