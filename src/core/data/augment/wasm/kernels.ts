// The two hot loops of augmentation, warpAffine's per-pixel remap and augment_hsv's vector path, as WebAssembly:
// the same integer and float32 arithmetic as the JS versions (warp.ts, hsv.ts), about twice as fast in V8. Built at
// first use; when WebAssembly is unavailable (or disabled for a test) callers keep their JS loops.
// Memory: [0, WORK) holds the HSV tables, images are staged from WORK on. Everything here is synchronous, so one
// instance serves every loader.
import { HDIV, K1, O0, SDIV, VF, vectorSectorTables } from '../hsvTables';
import { encodeModule, op, type Code } from './encoder';

/** Table offsets: the 12-bit reciprocals, then per-call tables of the LUTs composed with the HSV -> RGB factors. */
const T = { sdiv: 0, hdiv: 1024, vl: 2048, o0l: 3072, sl: 3328, k1l: 4352, tl: 5376, p0l: 6400, p1l: 6656, pxl: 6912 };
const WORK = 65536;
const PAGE = 65536;

const { get, set, tee } = op;
const c = op.const;

/**
 * warp(src, sw, sh, dst, dw, dh, adelta, bdelta, x0s, y0s, border): warp.ts's remap for every output pixel, with
 * adelta/bdelta (per column) and x0s/y0s (per row) precomputed by the caller in JS (they need cvRound on doubles).
 */
function warpKernel(): Code {
  const [src, sw, sh, dst, dw, dh, ad, bd, x0s, y0s, border] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [y, x, X0, Y0, X, Y, sx, sy, fx, fy, gx, gy, p, q, o, rs, a0, a1, a2, a3, v0, v1, v2, v3] = Array.from({ length: 24 }, (_, i) => 11 + i);
  const lerp = (ch: number): Code => [
    ...get(o),
    ...get(gy), ...get(gx), ...get(p), ...op.load8U(ch), ...op.mul, ...get(fx), ...get(p), ...op.load8U(3 + ch), ...op.mul, ...op.add, ...op.mul,
    ...get(fy), ...get(gx), ...get(q), ...op.load8U(ch), ...op.mul, ...get(fx), ...get(q), ...op.load8U(3 + ch), ...op.mul, ...op.add, ...op.mul,
    ...op.add, ...c(512), ...op.add, ...c(10), ...op.shrS, ...op.store8(ch),
  ];
  // A tap inside the source reads it, one outside reads `border` (its address is clamped so the load is harmless).
  const tap = (addr: number, valid: number, ch: number): Code => [...get(addr), ...op.load8U(ch), ...get(border), ...get(valid), ...op.select];
  const edge = (ch: number): Code => [
    ...get(o),
    ...tap(a0, v0, ch), ...get(gx), ...get(gy), ...op.mul, ...op.mul,
    ...tap(a1, v1, ch), ...get(fx), ...get(gy), ...op.mul, ...op.mul, ...op.add,
    ...tap(a2, v2, ch), ...get(gx), ...get(fy), ...op.mul, ...op.mul, ...op.add,
    ...tap(a3, v3, ch), ...get(fx), ...get(fy), ...op.mul, ...op.mul, ...op.add,
    ...c(5), ...op.shl, ...c(16384), ...op.add, ...c(15), ...op.shrS, ...op.store8(ch),
  ];
  const clampLo = (v: Code): Code => [...v, ...c(0), ...v, ...c(0), ...op.geS, ...op.select];
  const clampHi = (v: Code, hi: number): Code => [...v, ...get(hi), ...c(1), ...op.sub, ...v, ...get(hi), ...op.ltS, ...op.select];
  const rowAddr = (yy: Code, xx: Code): Code => [...get(src), ...yy, ...get(rs), ...op.mul, ...op.add, ...xx, ...c(3), ...op.mul, ...op.add];
  const sx1 = [...get(sx), ...c(1), ...op.add];
  const sy1 = [...get(sy), ...c(1), ...op.add];
  const fill = [0, 1, 2].flatMap((ch) => [...get(o), ...get(border), ...op.store8(ch)]);
  const loadI32 = (base: number, i: number): Code => [...get(base), ...get(i), ...c(2), ...op.shl, ...op.add, ...op.load()];
  return [
    ...get(sw), ...c(3), ...op.mul, ...set(rs), ...get(dst), ...set(o), ...c(0), ...set(y),
    ...op.block, ...op.loop,
    ...get(y), ...get(dh), ...op.geS, ...op.brIf(1),
    ...loadI32(x0s, y), ...set(X0), ...loadI32(y0s, y), ...set(Y0), ...c(0), ...set(x),
    ...op.block, ...op.loop,
    ...get(x), ...get(dw), ...op.geS, ...op.brIf(1),
    ...get(X0), ...loadI32(ad, x), ...op.add, ...c(5), ...op.shrS, ...tee(X), ...c(5), ...op.shrS, ...set(sx),
    ...get(Y0), ...loadI32(bd, x), ...op.add, ...c(5), ...op.shrS, ...tee(Y), ...c(5), ...op.shrS, ...set(sy),
    ...get(X), ...c(31), ...op.and, ...tee(fx), ...c(32), ...get(fx), ...op.sub, ...set(gx),
    ...get(Y), ...c(31), ...op.and, ...tee(fy), ...c(32), ...get(fy), ...op.sub, ...set(gy),
    // all four taps inside: (unsigned) sx < sw - 1 and sy < sh - 1
    ...get(sx), ...get(sw), ...c(1), ...op.sub, ...op.ltU, ...get(sy), ...get(sh), ...c(1), ...op.sub, ...op.ltU, ...op.and,
    ...op.if,
    ...rowAddr(get(sy), get(sx)), ...tee(p), ...get(rs), ...op.add, ...set(q),
    ...lerp(0), ...lerp(1), ...lerp(2),
    ...op.else,
    // all outside: sx >= sw || sx < -1 || sy >= sh || sy < -1
    ...get(sx), ...get(sw), ...op.geS, ...get(sx), ...c(-1), ...op.ltS, ...op.or,
    ...get(sy), ...get(sh), ...op.geS, ...op.or, ...get(sy), ...c(-1), ...op.ltS, ...op.or,
    ...op.if, ...fill, ...op.else,
    ...rowAddr(clampLo(get(sy)), clampLo(get(sx))), ...set(a0),
    ...rowAddr(clampLo(get(sy)), clampHi(sx1, sw)), ...set(a1),
    ...rowAddr(clampHi(sy1, sh), clampLo(get(sx))), ...set(a2),
    ...rowAddr(clampHi(sy1, sh), clampHi(sx1, sw)), ...set(a3),
    ...get(sy), ...c(0), ...op.geS, ...get(sx), ...c(0), ...op.geS, ...op.and, ...set(v0),
    ...get(sy), ...c(0), ...op.geS, ...sx1, ...get(sw), ...op.ltS, ...op.and, ...set(v1),
    ...sy1, ...get(sh), ...op.ltS, ...get(sx), ...c(0), ...op.geS, ...op.and, ...set(v2),
    ...sy1, ...get(sh), ...op.ltS, ...sx1, ...get(sw), ...op.ltS, ...op.and, ...set(v3),
    ...edge(0), ...edge(1), ...edge(2),
    ...op.end,
    ...op.end,
    ...get(o), ...c(3), ...op.add, ...set(o), ...get(x), ...c(1), ...op.add, ...set(x), ...op.br(0),
    ...op.end, ...op.end,
    ...get(y), ...c(1), ...op.add, ...set(y), ...op.br(0),
    ...op.end, ...op.end,
  ];
}

/** hsv(ptr, n, out): hsv.ts's vector path (RGB -> HSV -> LUTs -> RGB, truncating) from n pixels at ptr to out. */
function hsvKernel(): Code {
  const [ptr, n, out] = [0, 1, 2];
  const [end, r, g, b, v, mn, diff, s, h] = Array.from({ length: 9 }, (_, i) => 3 + i);
  const sel = (a: Code, bb: Code, cond: Code): Code => [...a, ...bb, ...cond, ...op.select];
  const lt = (a: number, bb: number): Code => [...get(a), ...get(bb), ...op.ltS];
  const store = (posTable: number, value: Code): Code => [...get(out), ...get(h), ...op.load8U(posTable), ...op.add, ...value, ...op.store8()];
  return [
    ...get(ptr), ...get(n), ...c(3), ...op.mul, ...op.add, ...set(end),
    ...op.block, ...op.loop,
    ...get(ptr), ...get(end), ...op.geS, ...op.brIf(1),
    ...get(ptr), ...op.load8U(0), ...set(r), ...get(ptr), ...op.load8U(1), ...set(g), ...get(ptr), ...op.load8U(2), ...set(b),
    // v = max(r, g, b), diff = v - min(r, g, b)
    ...sel(get(g), get(r), lt(r, g)), ...set(v), ...sel(get(b), get(v), lt(v, b)), ...set(v),
    ...sel(get(r), get(g), lt(r, g)), ...set(mn), ...sel(get(b), get(mn), lt(b, mn)), ...set(mn),
    ...get(v), ...get(mn), ...op.sub, ...set(diff),
    ...get(diff), ...get(v), ...c(2), ...op.shl, ...op.load(T.sdiv), ...op.mul, ...c(2048), ...op.add, ...c(12), ...op.shrS, ...set(s),
    // h = v == r ? g - b : v == g ? b - r + 2 diff : r - g + 4 diff, scaled by hdiv[diff], wrapped to [0, 180)
    ...sel(
      [...get(g), ...get(b), ...op.sub],
      sel([...get(b), ...get(r), ...op.sub, ...get(diff), ...c(1), ...op.shl, ...op.add], [...get(r), ...get(g), ...op.sub, ...get(diff), ...c(2), ...op.shl, ...op.add], [...get(v), ...get(g), ...op.eq]),
      [...get(v), ...get(r), ...op.eq],
    ),
    ...get(diff), ...c(2), ...op.shl, ...op.load(T.hdiv), ...op.mul, ...c(2048), ...op.add, ...c(12), ...op.shrS, ...tee(h),
    ...c(180), ...c(0), ...get(h), ...c(0), ...op.ltS, ...op.select, ...op.add, ...set(h),
    // V, V*K1 and V*(1 - S*t) times 255, truncated, with the LUTs folded into the tables (setLuts); 1 - S*t in
    // double (S*t is exact there) then float32, like the FMA OpenCV's vector loop uses (hsvTables.ts: K2/K3)
    ...store(T.p0l, [...get(v), ...op.load8U(T.o0l)]),
    ...store(T.p1l, [...get(v), ...c(2), ...op.shl, ...op.f32Load(T.vl), ...get(s), ...c(2), ...op.shl, ...op.f32Load(T.k1l), ...op.f32Mul, ...op.f32Const(255), ...op.f32Mul, ...op.truncSatF32U]),
    ...store(T.pxl, [
      ...get(v), ...c(2), ...op.shl, ...op.f32Load(T.vl),
      ...op.f64Const(1), ...get(s), ...c(2), ...op.shl, ...op.f32Load(T.sl), ...op.f64PromoteF32,
      ...get(h), ...c(2), ...op.shl, ...op.f32Load(T.tl), ...op.f64PromoteF32, ...op.f64Mul, ...op.f64Sub, ...op.f32DemoteF64,
      ...op.f32Mul, ...op.f32Const(255), ...op.f32Mul, ...op.truncSatF32U,
    ]),
    ...get(ptr), ...c(3), ...op.add, ...set(ptr), ...get(out), ...c(3), ...op.add, ...set(out), ...op.br(0),
    ...op.end, ...op.end,
  ];
}

export interface AugmentKernels {
  /** The warp loop: arguments as warpKernel's, offsets into `heap`. */
  warp(src: number, sw: number, sh: number, dst: number, dw: number, dh: number, ad: number, bd: number, x0s: number, y0s: number, border: number): void;
  /** The HSV vector path on n pixels at `ptr` into `out`, with the LUTs written by setLuts. */
  hsv(ptr: number, n: number, out: number): void;
  setLuts(lh: Uint8Array, ls: Uint8Array, lv: Uint8Array): void;
  /** The whole memory as bytes, at least `bytes` long (re-fetch after any call: growing replaces the buffer). */
  heap(bytes: number): Uint8Array;
  /** First byte free for images. */
  work: number;
}

/**
 * A reusable canvas of `bytes` bytes for one synchronous compose-then-warp: a view into the kernels' memory (so the
 * warp reads it without a copy), or a module-level buffer without wasm. Valid until the next call.
 */
export function canvasScratch(bytes: number): Uint8Array {
  const k = augmentKernels();
  if (k) return k.heap(k.work + bytes).subarray(k.work, k.work + bytes);
  if (!fallbackCanvas || fallbackCanvas.length !== bytes) fallbackCanvas = new Uint8Array(bytes);
  return fallbackCanvas;
}
let fallbackCanvas: Uint8Array | undefined;

let instance: AugmentKernels | null | undefined;
let enabled = true;

/** Use the wasm kernels when available (default) or force the JS loops (tests compare both). */
export function setAugmentWasm(on: boolean): void {
  enabled = on;
}

/** The kernels, built on first use; null when disabled or when this engine cannot run them. */
export function augmentKernels(): AugmentKernels | null {
  if (!enabled) return null;
  if (instance === undefined) {
    try {
      instance = build();
    } catch {
      instance = null;
    }
  }
  return instance;
}

function build(): AugmentKernels {
  const bytes = encodeModule([
    { name: 'warp', params: 11, i32Locals: 24, body: warpKernel() },
    { name: 'hsv', params: 3, i32Locals: 9, body: hsvKernel() },
  ]);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((WORK + 8 * 1024 * 1024) / PAGE) });
  const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as {
    warp: AugmentKernels['warp'];
    hsv: AugmentKernels['hsv'];
  };
  const sector = vectorSectorTables();
  const SF = Float32Array.from({ length: 256 }, (_, v) => Math.fround(v * Math.fround(1 / 255)));
  const u8 = new Uint8Array(memory.buffer);
  u8.set(new Uint8Array(SDIV.buffer), T.sdiv);
  u8.set(new Uint8Array(HDIV.buffer), T.hdiv);
  const f32At = (off: number, n: number) => new Float32Array(memory.buffer, off, n);
  const u8At = (off: number, n: number) => new Uint8Array(memory.buffer, off, n);
  return {
    warp: ex.warp,
    hsv: ex.hsv,
    setLuts(lh, ls, lv) {
      const [vl, o0l, sl, k1l, tl] = [f32At(T.vl, 256), u8At(T.o0l, 256), f32At(T.sl, 256), f32At(T.k1l, 256), f32At(T.tl, 180)];
      const [p0l, p1l, pxl] = [u8At(T.p0l, 180), u8At(T.p1l, 180), u8At(T.pxl, 180)];
      for (let i = 0; i < 256; i++) {
        [vl[i], o0l[i]] = [VF[lv[i]], O0[lv[i]]];
        [sl[i], k1l[i]] = [SF[ls[i]], K1[ls[i]]];
      }
      for (let h = 0; h < 180; h++) {
        const h2 = lh[h];
        [tl[h], p0l[h], p1l[h], pxl[h]] = [sector.t[h2], sector.pos0[h2], sector.pos1[h2], sector.posx[h2]];
      }
    },
    heap(n) {
      const need = Math.ceil(n / PAGE) - memory.buffer.byteLength / PAGE;
      if (need > 0) memory.grow(need);
      return new Uint8Array(memory.buffer);
    },
    work: WORK,
  };
}
