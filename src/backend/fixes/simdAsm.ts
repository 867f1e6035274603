// A minimal WebAssembly encoder: just enough to write a few SIMD loops (simdKernels.ts) as bytecode at runtime,
// since the project has no wasm toolchain. Instructions are byte arrays; functions take i32 parameters only
// (pointers, counts, strides) and return nothing. The module imports the memory of tfjs's wasm backend, so its
// functions read and write tensors on that heap directly.

import { sleb, uleb, type Code } from '../../core/wasm/leb128';

export { sleb, uleb, type Code };

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
/** memarg: alignment hint 0 (any address is valid; the hint only affects speed on some engines) and offset. */
const mem = (offset: number): Code => [0, ...uleb(offset)];

/** Instructions used by the kernels. Offsets are in bytes. */
export const op = {
  get: (i: number): Code => [0x20, ...uleb(i)],
  set: (i: number): Code => [0x21, ...uleb(i)],
  tee: (i: number): Code => [0x22, ...uleb(i)],
  i32: (n: number): Code => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Eq: [0x46],
  i32LtS: [0x48],
  i32LeS: [0x4c],
  i32GtS: [0x4a],
  call: (f: number): Code => [0x10, ...uleb(f)],
  select: [0x1b],
  f32Load: (offset = 0): Code => [0x2a, ...mem(offset)],
  f32Store: (offset = 0): Code => [0x38, ...mem(offset)],
  v128Load: (offset = 0): Code => simd(0x00, ...mem(offset)),
  v128Store: (offset = 0): Code => simd(0x0b, ...mem(offset)),
  /** f32 at the address, in all four lanes. */
  v128Load32Splat: (offset = 0): Code => simd(0x09, ...mem(offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f64x2Add: simd(0xf0),
  /** Lanes 0, 1 of an f32x4 as an f64x2. */
  f64x2PromoteLow: simd(0x5f),
  /** Moves f32 lanes 2, 3 of the operand into lanes 0, 1 (i8x16.shuffle of the value with itself). */
  f32x4High: simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15),
};

/** `body` repeated while the i32 local `counter`, decremented each pass, is non-zero; it must start >= 1. */
export function countdown(counter: number, body: Code): Code {
  return [0x03, 0x40, ...body, ...op.get(counter), ...op.i32(1), ...op.i32Sub, ...op.tee(counter), 0x0d, 0, 0x0b];
}

/** `body` while cond (an i32 expression) holds: block { loop { br_if !cond out; body; br loop } }. */
export function whileLoop(cond: Code, body: Code): Code {
  return [0x02, 0x40, 0x03, 0x40, ...cond, 0x45, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
}

/** if (cond) { body }. */
export function ifThen(cond: Code, body: Code): Code {
  return [...cond, 0x04, 0x40, ...body, 0x0b];
}

export interface Func {
  name: string;
  params: number;
  /** Extra locals after the parameters: i32 first, then v128. */
  i32Locals: number;
  v128Locals: number;
  body: Code;
  /** Exported under `name`; internal helpers are called by index. */
  exported: boolean;
}

const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content];
const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const str = (s: string): Code => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

/** A module importing env.memory (shared when the backend's memory is) and defining `funcs` in order. */
export function encodeModule(funcs: Func[], sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const arities = [...new Set(funcs.map((f) => f.params))];
  const types = arities.map((n) => [0x60, ...uleb(n), ...new Array<number>(n).fill(0x7f), 0]);
  // Shared memories must declare a maximum; 65536 pages (4 GiB) admits any memory.
  const limits = sharedMemory ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const imports = vec([[...str('env'), ...str('memory'), 0x02, ...limits]]);
  const exportsList = funcs.flatMap((f, i) => (f.exported ? [[...str(f.name), 0x00, ...uleb(i)]] : []));
  const bodies = funcs.map((f) => {
    const locals: Code[] = [];
    if (f.i32Locals > 0) locals.push([...uleb(f.i32Locals), 0x7f]);
    if (f.v128Locals > 0) locals.push([...uleb(f.v128Locals), 0x7b]);
    const code = [...vec(locals), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(funcs.map((f) => uleb(arities.indexOf(f.params))))),
    ...section(7, vec(exportsList)),
    ...section(10, vec(bodies)),
  ]);
}
