import { describe, expect, it } from 'vitest';
import { clipBoxes, scaleBoxes, xywhToXyxy, xywhnToXyxy, xyxyToXywhn } from './boxes';

// Expected values were computed with upstream's formulas in numpy 1.24 float32 (value-based casting: the Python
// float factors become float32), which is also what torch's float32 ops with Python scalars do.
const LABELS = [
  [0, 0.554688, 0.728516, 0.351562, 0.332031],
  [2, 0.1, 0.9, 0.3, 0.4],
  [1, 0.999, 0.5, 0.01, 1.0],
  [3, 0.123457, 0.876543, 0.24691, 0.0012],
];
const W = 257.4854932301741; // ratio * w of a 517x333 image letterboxed to (320, 416)
const XYXY = [
  [0, 97.56304931640625, 171.33572387695312, 188.08517456054688, 256.8288879394531],
  [2, -12.874276161193848, 206.73985290527344, 64.37137603759766, 309.73406982421875],
  [1, 255.9405975341797, 26.5, 258.5154724121094, 283.9855041503906],
  [3, 0.0005141356377862394, 252.04263305664062, 63.57625961303711, 252.35159301757812],
];
const XYWHN = [
  [0, 0.34332719445228577, 0.6690071821212769, 0.21760126948356628, 0.2671661376953125],
  [2, 0.07736944407224655, 0.8069905042648315, 0.1547388881444931, 0.32185691595077515],
  [1, 0.6183366179466248, 0.4851335883140564, 0.006189602892845869, 0.8046422004699707],
  [3, 0.07641439139842987, 0.7881159782409668, 0.15282630920410156, 0.0009654999012127519],
];
const rows = (m: number[][]) => Float32Array.from(m.flat());

describe('box conversions (float32 as upstream)', () => {
  it('xywhnToXyxy matches numpy xywhn2xyxy bit for bit, leaving the class column alone', () => {
    const d = rows(LABELS);
    xywhnToXyxy({ data: d, stride: 5, offset: 1 }, W, W, 0, 26.5);
    expect(Array.from(d)).toEqual(XYXY.flat());
  });

  it('xyxyToXywhn with clip and eps matches numpy xyxy2xywhn(clip=True, eps=1e-3)', () => {
    const d = rows(XYXY);
    xyxyToXywhn({ data: d, stride: 5, offset: 1 }, 416, 320, true, 1e-3);
    expect(Array.from(d)).toEqual(XYWHN.flat());
  });

  it('xywhToXyxy converts centre/size to corners', () => {
    const d = Float32Array.of(10, 20, 4, 6);
    expect(Array.from(xywhToXyxy({ data: d }))).toEqual([8, 17, 12, 23]);
  });

  it('clipBoxes clamps x to [0, w] and y to [0, h]', () => {
    const d = Float32Array.of(-1, -2, 700, 500, 0.9, 5);
    clipBoxes({ data: d, stride: 6 }, [480, 640]);
    expect(Array.from(d)).toEqual([0, 0, 640, 480, Math.fround(0.9), 5]);
  });

  it('scaleBoxes with ratio_pad (val.py) matches upstream', () => {
    const d = Float32Array.of(10.3, -5.0, 300.7, 200.2, 100.123, 50.5, 700.9, 260.0);
    scaleBoxes([320, 416], { data: d }, [480, 640], [
      [320 / 480, 320 / 480],
      [0, 53.5],
    ]);
    expect(Array.from(d)).toEqual([15.449999809265137, 0, 451.0500183105469, 220.04998779296875, 150.1844940185547, 0, 640, 309.75]);
  });

  it('scaleBoxes without ratio_pad derives gain and padding from the shapes (detect.py)', () => {
    const d = Float32Array.of(10.3, -5.0, 300.7, 200.2, 0.5, 3, 100.123, 50.5, 700.9, 260.0, 0.25, 1);
    scaleBoxes([384, 640], { data: d, stride: 6 }, [720, 1280]);
    expect(Array.from(d)).toEqual(
      [20.600000381469727, 0, 601.4000244140625, 376.3999938964844, 0.5, 3, 200.24600219726562, 77, 1280, 496, 0.25, 1].map(Math.fround),
    );
  });

  it('rejects arrays that are not whole rows', () => {
    expect(() => clipBoxes({ data: new Float32Array(7), stride: 6 }, [1, 1])).toThrow(/rows of 6/);
    expect(() => xywhToXyxy({ data: new Float32Array(5), stride: 5, offset: 2 })).toThrow(RangeError);
  });
});
