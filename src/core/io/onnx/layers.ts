// YOLOv5's blocks as ONNX nodes, NCHW, with Conv+BN fused. Names follow the state_dict (`model.2.cv1`) so the graph
// reads like upstream's in Netron. Every function takes the input value's name and returns the output's.
import { ShapeError } from '../../errors';
import type { StateDict } from '../../model';
import type { LayerSpec } from '../../model/spec';
import { attr, type GraphBuilder } from './graphBuilder';
import { fuseConvBn } from './fuse';

/** Conv2d + BN (fused) + SiLU. Opset 12 has no SiLU op: x * Sigmoid(x), which is what PyTorch exports too. */
export function conv(g: GraphBuilder, sd: StateDict, prefix: string, x: string, k: number, s: number, p: number): string {
  const fused = fuseConvBn(sd, prefix);
  if (fused.shape[2] !== k || fused.shape[3] !== k) {
    throw new ShapeError('bad_shape', `onnx export: ${prefix}.conv.weight is ${fused.shape[2]}x${fused.shape[3]}, the layer spec says ${k}x${k}`);
  }
  const w = g.float(`${prefix}.conv.weight`, fused.weight, fused.shape);
  const b = g.float(`${prefix}.conv.bias`, fused.bias, [fused.shape[0]]);
  const y = g.node('Conv', `${prefix}.conv`, [x, w, b], [
    attr.ints('dilations', [1, 1]), attr.int('group', 1), attr.ints('kernel_shape', [k, k]),
    attr.ints('pads', [p, p, p, p]), attr.ints('strides', [s, s]),
  ]);
  const sig = g.node('Sigmoid', `${prefix}.act.sigmoid`, [y]);
  return g.node('Mul', `${prefix}.act`, [y, sig]);
}

/** C3: cv3(cat(m(cv1(x)), cv2(x))), each bottleneck cv2(cv1(y)) (+ y with shortcut). */
export function c3(g: GraphBuilder, sd: StateDict, prefix: string, x: string, spec: NonNullable<LayerSpec['c3']>): string {
  let y = conv(g, sd, `${prefix}.cv1`, x, 1, 1, 0);
  for (let j = 0; j < spec.n; j++) {
    const m = `${prefix}.m.${j}`;
    const t = conv(g, sd, `${m}.cv2`, conv(g, sd, `${m}.cv1`, y, 1, 1, 0), 3, 1, 1);
    // Inside C3 a bottleneck maps hidden -> hidden channels, so upstream's `shortcut and c1 == c2` is `shortcut`.
    y = spec.shortcut ? g.node('Add', `${m}.add`, [y, t]) : t;
  }
  const z = conv(g, sd, `${prefix}.cv2`, x, 1, 1, 0);
  const cat = g.node('Concat', `${prefix}.cat`, [y, z], [attr.int('axis', 1)]);
  return conv(g, sd, `${prefix}.cv3`, cat, 1, 1, 0);
}

/** SPPF: three chained k x k max-pools (stride 1, padding k // 2), concatenated with their input. */
export function sppf(g: GraphBuilder, sd: StateDict, prefix: string, x: string, spec: NonNullable<LayerSpec['sppf']>): string {
  const p = Math.floor(spec.k / 2);
  const a = conv(g, sd, `${prefix}.cv1`, x, 1, 1, 0);
  const pools = [a];
  for (let j = 0; j < 3; j++) {
    pools.push(g.node('MaxPool', `${prefix}.m.${j}`, [pools[j]], [
      attr.int('ceil_mode', 0), attr.ints('kernel_shape', [spec.k, spec.k]), attr.ints('pads', [p, p, p, p]), attr.ints('strides', [1, 1]),
    ]));
  }
  const cat = g.node('Concat', `${prefix}.cat`, pools, [attr.int('axis', 1)]);
  return conv(g, sd, `${prefix}.cv2`, cat, 1, 1, 0);
}

/**
 * nn.Upsample(scale_factor=s, mode='nearest') as PyTorch exports it at opset 11+: Resize with an empty roi and
 * scales [1, 1, s, s], asymmetric coordinates and floor rounding (source pixel floor(dst / s)).
 */
export function upsample(g: GraphBuilder, prefix: string, x: string, scale: number): string {
  const roi = g.constant('FLOAT', [], [0]);
  const scales = g.constant('FLOAT', [1, 1, scale, scale]);
  return g.node('Resize', prefix, [x, roi, scales], [
    attr.string('coordinate_transformation_mode', 'asymmetric'), attr.float('cubic_coeff_a', -0.75),
    attr.string('mode', 'nearest'), attr.string('nearest_mode', 'floor'),
  ]);
}
