// The Detect head in export mode, as upstream v7.0's Detect.forward with export=True: per level a 1x1 conv, then
//   y = sigmoid(raw); xy = (y[..., 0:2] * 2 + grid) * stride; wh = (y[..., 2:4] * 2) ** 2 * anchor_px; rest = y[..., 4:]
// with grid = (x - 0.5, y - 0.5), rows ordered anchor -> y -> x, levels concatenated: (B, sum(na*ny*nx), 5+nc).
// The grid is a constant for a fixed input size; with dynamic axes it is built in the graph from the level's shape.
import type { StateDict } from '../../model';
import { attr, type GraphBuilder } from './graphBuilder';
import { tensorOf } from './fuse';

export interface HeadSpec {
  /** Detect's layer index (upstream `model.24`). */
  index: number;
  nc: number;
  na: number;
  stride: readonly number[];
  /** (nl, na, 2) anchors in grid units, as the state_dict's `model.24.anchors`. */
  anchors: readonly (readonly (readonly number[])[])[];
}

/** xs[i]: (B, C_i, H/s_i, W/s_i) -> (B, N, 5+nc). `size` is the fixed input (H, W), or null for dynamic axes. */
export function detectHead(g: GraphBuilder, sd: StateDict, spec: HeadSpec, xs: readonly string[], size: [number, number] | null): string {
  const { na, nc } = spec;
  const no = nc + 5;
  const p = `model.${spec.index}`;
  const levels = xs.map((x, i) => {
    const m = `${p}.m.${i}`;
    const w = tensorOf(sd, `${m}.weight`);
    const raw = g.node('Conv', m, [x, g.float(`${m}.weight`, w.data, w.shape), g.float(`${m}.bias`, tensorOf(sd, `${m}.bias`).data, [w.shape[0]])], [
      attr.ints('dilations', [1, 1]), attr.int('group', 1), attr.ints('kernel_shape', [1, 1]), attr.ints('pads', [0, 0, 0, 0]), attr.ints('strides', [1, 1]),
    ]); // (B, na*no, ny, nx)
    // Upstream's view(bs, na, no, ny, nx).permute(0, 1, 3, 4, 2) with ny, nx flattened, which keeps one code path
    // for fixed and dynamic sizes: (B, na*no, ny, nx) -> (B, na, no, ny*nx) -> (B, na, ny*nx, no).
    const split = g.node('Reshape', `${m}.view`, [raw, g.constant('INT64', [0, na, no, -1])]);
    const perm = g.node('Transpose', `${m}.permute`, [split], [attr.ints('perm', [0, 1, 3, 2])]);
    const y = g.node('Sigmoid', `${m}.sigmoid`, [perm]);
    const slice = (name: string, from: number, to: number) =>
      g.node('Slice', `${m}.${name}`, [y, g.constant('INT64', [from]), g.constant('INT64', [to]), g.constant('INT64', [3])]);
    const two = g.constant('FLOAT', [2], []);
    const grid = size ? constantGrid(g, m, size[0] / spec.stride[i], size[1] / spec.stride[i]) : dynamicGrid(g, m, raw);
    const xy0 = g.node('Add', `${m}.xy.grid`, [g.node('Mul', `${m}.xy.mul2`, [slice('xy', 0, 2), two]), grid]);
    const xy = g.node('Mul', `${m}.xy.stride`, [xy0, g.constant('FLOAT', [spec.stride[i]], [])]);
    const wh0 = g.node('Mul', `${m}.wh.mul2`, [slice('wh', 2, 4), two]);
    const wh1 = g.node('Mul', `${m}.wh.pow2`, [wh0, wh0]);
    // anchor_grid = anchors * stride in float32, shaped (1, na, 1, 2) to broadcast over (B, na, ny*nx, 2).
    const anchorPx = spec.anchors[i].flatMap(([aw, ah]) => [Math.fround(aw * spec.stride[i]), Math.fround(ah * spec.stride[i])]);
    const wh = g.node('Mul', `${m}.wh.anchor`, [wh1, g.float(`${m}.anchor_grid`, anchorPx, [1, na, 1, 2])]);
    const cat = g.node('Concat', `${m}.cat`, [xy, wh, slice('conf', 4, no)], [attr.int('axis', 3)]);
    return g.node('Reshape', `${m}.rows`, [cat, g.constant('INT64', [0, -1, no])]); // (B, na*ny*nx, no)
  });
  return g.node('Concat', 'output0', levels, [attr.int('axis', 1)]);
}

/** (ny*nx, 2) rows (x - 0.5, y - 0.5), y-major, as a constant. */
function constantGrid(g: GraphBuilder, m: string, ny: number, nx: number): string {
  const data = new Float32Array(ny * nx * 2);
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      data[(y * nx + x) * 2] = x - 0.5;
      data[(y * nx + x) * 2 + 1] = y - 0.5;
    }
  }
  return g.float(`${m}.grid`, data, [ny * nx, 2]);
}

/** The same grid computed from the level's runtime shape: Range over ny and nx, broadcast, stacked. */
function dynamicGrid(g: GraphBuilder, m: string, raw: string): string {
  const shape = g.node('Shape', `${m}.shape`, [raw]); // [B, C, ny, nx] int64
  const zero = g.constant('INT64', [0], []);
  const one = g.constant('INT64', [1], []);
  const axis = (name: string, dim: number) => {
    const n = g.node('Gather', `${m}.${name}`, [shape, g.constant('INT64', [dim], [])], [attr.int('axis', 0)]); // scalar
    const r = g.node('Range', `${m}.${name}.range`, [zero, n, one]);
    return g.node('Cast', `${m}.${name}.float`, [r], [attr.int('to', 1)]); // (n) float32
  };
  const ys = axis('ny', 2);
  const xs = axis('nx', 3);
  const hw = g.node('Slice', `${m}.hw`, [shape, g.constant('INT64', [2]), g.constant('INT64', [4]), g.constant('INT64', [0])]); // [ny, nx]
  const col = g.constant('INT64', [-1, 1]);
  const gx = g.node('Expand', `${m}.gx`, [g.node('Reshape', `${m}.nx.row`, [xs, g.constant('INT64', [1, -1])]), hw]); // (ny, nx)
  const gy = g.node('Expand', `${m}.gy`, [g.node('Reshape', `${m}.ny.col`, [ys, col]), hw]); // (ny, nx)
  const xy = g.node('Concat', `${m}.gxy`, [g.node('Reshape', `${m}.gx.flat`, [gx, col]), g.node('Reshape', `${m}.gy.flat`, [gy, col])],
    [attr.int('axis', 1)]); // (ny*nx, 2)
  return g.node('Sub', `${m}.grid`, [xy, g.constant('FLOAT', [0.5], [])]);
}
