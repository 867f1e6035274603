// A minimal WebAssembly binary encoder for the augmentation kernels (kernels.ts): functions with i32 parameters and
// i32/f32 locals, structured control flow, integer/float arithmetic and memory access on one imported memory. The
// project has no wasm toolchain, and the kernels are small enough to write as instruction lists.

import { sleb, uleb, type Code } from '../../../wasm/leb128';

export { sleb, uleb, type Code };

/** memarg: alignment exponent and a constant byte offset added to the address. */
const mem = (align: number, offset: number): Code => [align, ...uleb(offset)];

/** The instructions the kernels use (i32 unless named otherwise). */
export const op = {
  get: (i: number): Code => [0x20, ...uleb(i)],
  set: (i: number): Code => [0x21, ...uleb(i)],
  tee: (i: number): Code => [0x22, ...uleb(i)],
  const: (n: number): Code => [0x41, ...sleb(n)],
  f32Const: (x: number): Code => [0x43, ...new Uint8Array(Float32Array.of(x).buffer)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  and: [0x71],
  or: [0x72],
  shl: [0x74],
  shrS: [0x75],
  eq: [0x46],
  ltS: [0x48],
  ltU: [0x49],
  geS: [0x4e],
  eqz: [0x45],
  select: [0x1b],
  load: (offset = 0): Code => [0x28, ...mem(2, offset)],
  load8U: (offset = 0): Code => [0x2d, ...mem(0, offset)],
  store8: (offset = 0): Code => [0x3a, ...mem(0, offset)],
  f32Load: (offset = 0): Code => [0x2a, ...mem(2, offset)],
  f32Mul: [0x94],
  f32Sub: [0x93],
  f64Const: (x: number): Code => [0x44, ...new Uint8Array(Float64Array.of(x).buffer)],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64PromoteF32: [0xbb],
  f32DemoteF64: [0xb6],
  /** i32.trunc_sat_f32_u: truncation toward zero, saturating (never traps). */
  truncSatF32U: [0xfc, 0x01],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number): Code => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
};

const I32 = 0x7f;
const F32 = 0x7d;

export interface FuncDef {
  name: string;
  params: number;
  /** Extra locals after the parameters: i32 first, then f32. */
  i32Locals: number;
  f32Locals?: number;
  body: Code;
}

const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];
const name = (s: string): Code => vec([...s].map((c) => [c.charCodeAt(0)]));

/** A module importing `env.memory` and exporting each function by name (all parameters i32, no results). */
export function encodeModule(funcs: FuncDef[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0]);
  const code = funcs.map((f) => {
    const locals: Code[] = [[...uleb(f.i32Locals), I32]];
    if (f.f32Locals) locals.push([...uleb(f.f32Locals), F32]);
    const body = [...vec(locals), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}
