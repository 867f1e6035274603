import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { countdown, encodeModule, ifThen, op, whileLoop, type Code, type Func } from './simdAsm';

// Loops that tfjs's wasm build has no kernel for, in wasm SIMD on the backend's own heap (JS loops run at
// a quarter of the speed, and XNNPACK's matmul needs transposed and packed operands, which cost more than the
// arithmetic for these shapes):
// - colSum: per-column sums of a (rows, cols) float32 matrix into float64 accumulators (Sum/Mean over leading
//   axes). Each column block sums 64 rows in float32 lanes, then adds them to the float64 totals.
// - dwRect: the weight gradient of one conv tap over a rectangle of output positions,
//   dw (ci, co) += sum over positions of x[pos]^T · dy[pos], as register tiles (up to 4 x 8) of outer
//   products: x is read where it lies (any column and row stride), dy by rows, with no transpose, packing or
//   padding.
// - copyRows: strided row copies (Concat, SplitV, Slice), 16 bytes per instruction.
// - rowOp: a (rows, cols) matrix (op) a row vector (Add, Sub, Multiply broadcasting per-channel values).
// Sizes are checked by the callers: cols and co4 are multiples of 4; rows, cols >= 1.

const ROWS_PER_BLOCK = 64;

// colSum(x, rows, cols, acc): acc[c] (f64) += sum over r of x[r, c].
function colSum(): Func {
  const [x, rows, cols, acc, r0, n, c, p, rowBytes, i, a] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const s = [11, 12, 13, 14];
  /** acc[c .. c+4) += the four lanes of s_k, with the accumulator address in a. */
  const flush = (k: number): Code => [
    ...op.get(a), ...op.get(a), ...op.v128Load(32 * k), ...op.get(s[k]), ...op.f64x2PromoteLow, ...op.f64x2Add,
    ...op.v128Store(32 * k),
    ...op.get(a), ...op.get(a), ...op.v128Load(32 * k + 16), ...op.get(s[k]), ...op.get(s[k]), ...op.f32x4High,
    ...op.f64x2PromoteLow, ...op.f64x2Add, ...op.v128Store(32 * k + 16),
  ];
  /** Sums `vectors` adjacent column blocks of 4 over the n rows of the current block, then flushes them. */
  const blocks = (vectors: number): Code => [
    ...s.slice(0, vectors).flatMap((v) => [...op.v128Zero, ...op.set(v)]),
    // p = x + (r0*cols + c) * 4
    ...op.get(x), ...op.get(r0), ...op.get(cols), ...op.i32Mul, ...op.get(c), ...op.i32Add, ...op.i32(4), ...op.i32Mul,
    ...op.i32Add, ...op.set(p),
    ...op.get(n), ...op.set(i),
    ...countdown(i, [
      ...s.slice(0, vectors).flatMap((v, k) => [
        ...op.get(v), ...op.get(p), ...op.v128Load(16 * k), ...op.f32x4Add, ...op.set(v),
      ]),
      ...op.get(p), ...op.get(rowBytes), ...op.i32Add, ...op.set(p),
    ]),
    ...op.get(acc), ...op.get(c), ...op.i32(8), ...op.i32Mul, ...op.i32Add, ...op.set(a),
    ...s.slice(0, vectors).flatMap((_, k) => flush(k)),
    ...op.get(c), ...op.i32(4 * vectors), ...op.i32Add, ...op.set(c),
  ];
  const body: Code = [
    ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.set(rowBytes),
    ...op.i32(0), ...op.set(r0),
    ...whileLoop([...op.get(r0), ...op.get(rows), ...op.i32LtS], [
      // n = min(rows - r0, ROWS_PER_BLOCK)
      ...op.get(rows), ...op.get(r0), ...op.i32Sub, ...op.i32(ROWS_PER_BLOCK),
      ...op.get(rows), ...op.get(r0), ...op.i32Sub, ...op.i32(ROWS_PER_BLOCK), ...op.i32LtS, ...op.select, ...op.set(n),
      ...op.i32(0), ...op.set(c),
      ...whileLoop([...op.get(c), ...op.i32(16), ...op.i32Add, ...op.get(cols), ...op.i32LeS], blocks(4)),
      ...whileLoop([...op.get(c), ...op.i32(4), ...op.i32Add, ...op.get(cols), ...op.i32LeS], blocks(1)),
      ...op.get(r0), ...op.get(n), ...op.i32Add, ...op.set(r0),
    ]),
  ];
  return { name: 'colSum', params: 4, i32Locals: 7, v128Locals: 4, body, exported: true };
}

// tile(xp, xCol, xRow, dp, dyRow, rows, cols, coBytes, wp): the (R, 4V) block of dw at wp (row stride coBytes)
// += sum over the rows x cols rectangle of x[pos, 0..R)^T · dy[pos, 0..4V).
function tile(R: number, V: number): Func {
  const [xp, xCol, xRow, dp, dyRow, rows, cols, coBytes, wp, r, j, xq, dq, xrow, drow, w] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const acc = (rr: number, v: number) => 16 + rr * V + v;
  const d = (v: number) => 16 + R * V + v;
  const xs = 16 + R * V + V;
  const all = Array.from({ length: R * V }, (_, k) => acc(Math.floor(k / V), k % V));
  const inner: Code = [
    ...Array.from({ length: V }, (_, v) => [...op.get(dq), ...op.v128Load(16 * v), ...op.set(d(v))]).flat(),
    ...Array.from({ length: R }, (_, rr) => [
      ...op.get(xq), ...op.v128Load32Splat(4 * rr), ...op.set(xs),
      ...Array.from({ length: V }, (_, v) => [
        ...op.get(acc(rr, v)), ...op.get(xs), ...op.get(d(v)), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(rr, v)),
      ]).flat(),
    ]).flat(),
    ...op.get(xq), ...op.get(xCol), ...op.i32Add, ...op.set(xq),
    ...op.get(dq), ...op.get(coBytes), ...op.i32Add, ...op.set(dq),
  ];
  const body: Code = [
    ...all.flatMap((v) => [...op.v128Zero, ...op.set(v)]),
    ...op.get(xp), ...op.set(xrow), ...op.get(dp), ...op.set(drow), ...op.get(rows), ...op.set(r),
    ...countdown(r, [
      ...op.get(xrow), ...op.set(xq), ...op.get(drow), ...op.set(dq), ...op.get(cols), ...op.set(j),
      ...countdown(j, inner),
      ...op.get(xrow), ...op.get(xRow), ...op.i32Add, ...op.set(xrow),
      ...op.get(drow), ...op.get(dyRow), ...op.i32Add, ...op.set(drow),
    ]),
    ...Array.from({ length: R }, (_, rr) => [
      // w = wp + rr * coBytes
      ...op.get(wp), ...op.get(coBytes), ...op.i32(rr), ...op.i32Mul, ...op.i32Add, ...op.set(w),
      ...Array.from({ length: V }, (_, v) => [
        ...op.get(w), ...op.get(w), ...op.v128Load(16 * v), ...op.get(acc(rr, v)), ...op.f32x4Add,
        ...op.v128Store(16 * v),
      ]).flat(),
    ]).flat(),
  ];
  return { name: `tile${R}x${V}`, params: 9, i32Locals: 7, v128Locals: R * V + V + 1, body, exported: false };
}

// dwRect(x, xCol, xRow, dy, dyRow, rows, cols, ci, co4, coBytes, dw): every tile of dw (ci, co4 of co columns):
// rows of dw in tiles of 4, then one tile of the 1-3 left; columns 8 at a time, then 4.
function dwRect(tileIndex: (rows: number, vectors: number) => number): Func {
  const [x, xCol, xRow, dy, dyRow, rows, cols, ci, co4, coBytes, dw, c, o] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const callTile = (f: number): Code => [
    // x + c*4, ..., dy + o*4, ..., dw + c*coBytes + o*4
    ...op.get(x), ...op.get(c), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.get(xCol), ...op.get(xRow),
    ...op.get(dy), ...op.get(o), ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.get(dyRow),
    ...op.get(rows), ...op.get(cols),
    ...op.get(coBytes),
    ...op.get(dw), ...op.get(c), ...op.get(coBytes), ...op.i32Mul, ...op.i32Add, ...op.get(o), ...op.i32(4), ...op.i32Mul,
    ...op.i32Add,
    ...op.call(f),
  ];
  /** One row of R-row tiles from dw row c, across the co4 columns. */
  const rowOfTiles = (R: number): Code => [
    ...op.i32(0), ...op.set(o),
    ...whileLoop([...op.get(o), ...op.i32(8), ...op.i32Add, ...op.get(co4), ...op.i32LeS], [
      ...callTile(tileIndex(R, 2)), ...op.get(o), ...op.i32(8), ...op.i32Add, ...op.set(o),
    ]),
    ...whileLoop([...op.get(o), ...op.i32(4), ...op.i32Add, ...op.get(co4), ...op.i32LeS], [
      ...callTile(tileIndex(R, 1)), ...op.get(o), ...op.i32(4), ...op.i32Add, ...op.set(o),
    ]),
  ];
  /** if (ci - c == R) the last R rows. */
  const tail = (R: number): Code =>
    ifThen([...op.get(ci), ...op.get(c), ...op.i32Sub, ...op.i32(R), ...op.i32Eq], rowOfTiles(R));
  const body: Code = [
    ...op.i32(0), ...op.set(c),
    ...whileLoop([...op.get(c), ...op.i32(4), ...op.i32Add, ...op.get(ci), ...op.i32LeS], [
      ...rowOfTiles(4), ...op.get(c), ...op.i32(4), ...op.i32Add, ...op.set(c),
    ]),
    ...tail(3), ...tail(2), ...tail(1),
  ];
  return { name: 'dwRect', params: 11, i32Locals: 2, v128Locals: 0, body, exported: true };
}

// copyRows(src, srcStride, dst, dstStride, rows, vectors, tail): rows runs of 4*vectors + tail floats, strides in
// bytes. The row copies of Concat, SplitV, Slice and the stride-phase interleave, 16 bytes at a time.
function copyRows(): Func {
  const [src, srcStride, dst, dstStride, rows, vectors, tail, s, d, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const body: Code = [
    ...countdown(rows, [
      ...op.get(src), ...op.set(s), ...op.get(dst), ...op.set(d),
      ...op.get(vectors), ...op.set(k),
      ...whileLoop([...op.i32(0), ...op.get(k), ...op.i32LtS], [
        ...op.get(d), ...op.get(s), ...op.v128Load(), ...op.v128Store(),
        ...op.get(s), ...op.i32(16), ...op.i32Add, ...op.set(s), ...op.get(d), ...op.i32(16), ...op.i32Add, ...op.set(d),
        ...op.get(k), ...op.i32(1), ...op.i32Sub, ...op.set(k),
      ]),
      ...op.get(tail), ...op.set(k),
      ...whileLoop([...op.i32(0), ...op.get(k), ...op.i32LtS], [
        ...op.get(d), ...op.get(s), ...op.f32Load(), ...op.f32Store(),
        ...op.get(s), ...op.i32(4), ...op.i32Add, ...op.set(s), ...op.get(d), ...op.i32(4), ...op.i32Add, ...op.set(d),
        ...op.get(k), ...op.i32(1), ...op.i32Sub, ...op.set(k),
      ]),
      ...op.get(src), ...op.get(srcStride), ...op.i32Add, ...op.set(src),
      ...op.get(dst), ...op.get(dstStride), ...op.i32Add, ...op.set(dst),
    ]),
  ];
  return { name: 'copyRows', params: 7, i32Locals: 3, v128Locals: 0, body, exported: true };
}

/** The binary operations rowOp applies; `rsub` is v - x. */
export const ROW_OPS = ['add', 'sub', 'rsub', 'mul'] as const;
export type RowOp = (typeof ROW_OPS)[number];

// rowOp(x, rows, cols, v, out): out[r, c] = x[r, c] (op) v[c] for a (rows, cols) matrix and a row vector, 4 lanes
// at a time. XNNPACK's broadcasting path costs 1.6-2.3x a same-shape op for 16-32 channels; this runs at the
// speed of a scalar op. Lane-wise IEEE float32 arithmetic, so results equal the stock kernel's bit for bit.
function rowOp(name: RowOp): Func {
  const [x, rows, cols, v, out, c] = [0, 1, 2, 3, 4, 5];
  const apply = { add: op.f32x4Add, sub: op.f32x4Sub, rsub: op.f32x4Sub, mul: op.f32x4Mul }[name];
  const loadX = [...op.get(x), ...op.v128Load()];
  const loadV = [...op.get(v), ...op.get(c), ...op.i32Add, ...op.v128Load()];
  const body: Code = [
    ...countdown(rows, [
      ...op.i32(0), ...op.set(c),
      ...whileLoop([...op.get(c), ...op.get(cols), ...op.i32(4), ...op.i32Mul, ...op.i32LtS], [
        ...op.get(out), ...(name === 'rsub' ? [...loadV, ...loadX] : [...loadX, ...loadV]), ...apply, ...op.v128Store(),
        ...op.get(x), ...op.i32(16), ...op.i32Add, ...op.set(x),
        ...op.get(out), ...op.i32(16), ...op.i32Add, ...op.set(out),
        ...op.get(c), ...op.i32(16), ...op.i32Add, ...op.set(c),
      ]),
    ]),
  ];
  return { name: `row_${name}`, params: 5, i32Locals: 1, v128Locals: 0, body, exported: true };
}

function buildModule(shared: boolean): Uint8Array<ArrayBuffer> {
  // Function indices follow array order: tile(R, V) for R = 1..4, V = 1..2 first (dwRect calls them), then the
  // exported kernels.
  const tileIndex = (R: number, V: number) => (R - 1) * 2 + (V - 1);
  const tiles = [1, 2, 3, 4].flatMap((R) => [tile(R, 1), tile(R, 2)]);
  return encodeModule([...tiles, colSum(), dwRect(tileIndex), copyRows(), ...ROW_OPS.map(rowOp)], shared);
}

export interface SimdKernels {
  colSum(x: number, rows: number, cols: number, acc: number): void;
  /** cols is a multiple of 4; rows >= 1. Exported as row_add, row_sub, row_rsub, row_mul. */
  row_add(x: number, rows: number, cols: number, v: number, out: number): void;
  row_sub(x: number, rows: number, cols: number, v: number, out: number): void;
  row_rsub(x: number, rows: number, cols: number, v: number, out: number): void;
  row_mul(x: number, rows: number, cols: number, v: number, out: number): void;
  /** rows >= 1. */
  copyRows(
    src: number, srcStride: number, dst: number, dstStride: number, rows: number, vectors: number, tail: number,
  ): void;
  dwRect(
    x: number, xCol: number, xRow: number, dy: number, dyRow: number, rows: number, cols: number,
    ci: number, co4: number, coBytes: number, dw: number,
  ): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdKernels | null>();
let enabled = true;

/** For tests: run the JS / XNNPACK fallbacks instead of the SIMD module. */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** The backend's wasm memory, where this emscripten build exposes it. */
function memoryOf(backend: BackendWasm): WebAssembly.Memory | null {
  const m = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const mem = m.asm?.memory ?? m.wasmMemory;
  return mem instanceof WebAssembly.Memory ? mem : null;
}

/** The SIMD kernels bound to `backend`'s heap, or null where wasm SIMD or the memory is unavailable. */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  if (!enabled) return null;
  const memory = memoryOf(backend);
  if (!memory) return null;
  if (instances.has(memory)) return instances.get(memory)!;
  let kernels: SimdKernels | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(buildModule(shared));
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  } catch {
    kernels = null; // no SIMD in this engine, or synchronous compilation refused: the callers' fallbacks run
  }
  instances.set(memory, kernels);
  return kernels;
}

/** Bytes offset of a tensor's data on the heap. */
export function heapOffset(backend: BackendWasm, dataId: object): number {
  return (backend.dataIdMap.get(dataId) as unknown as { memoryOffset: number }).memoryOffset;
}

/** The heap's current buffer (replaced when the memory grows). */
export function heapBuffer(backend: BackendWasm): ArrayBufferLike {
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
}
