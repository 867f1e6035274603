// LEB128 integers, the variable-length encoding of every count, index and constant in WebAssembly bytecode. Shared
// by the two small encoders that write wasm at runtime (the project has no wasm toolchain): the augmentation
// kernels (core/data/augment/wasm) and the SIMD training kernels (backend/fixes/simdAsm.ts).

export type Code = number[];

/** Unsigned LEB128. */
export function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32 constants). */
export function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}
