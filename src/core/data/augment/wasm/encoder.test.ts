import { describe, expect, it } from 'vitest';
import { encodeModule, op, sleb, uleb } from './encoder';

describe('wasm encoder', () => {
  it('writes LEB128 as the spec examples', () => {
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0)).toEqual([0]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
  });

  it('encodes a module that runs: out[i] = in[i] * 3 + 1 (bytes)', () => {
    const [src, n, dst, i] = [0, 1, 2, 3];
    const body = [
      ...op.block, ...op.loop,
      ...op.get(i), ...op.get(n), ...op.geS, ...op.brIf(1),
      ...op.get(dst), ...op.get(i), ...op.add,
      ...op.get(src), ...op.get(i), ...op.add, ...op.load8U(), ...op.const(3), ...op.mul, ...op.const(1), ...op.add,
      ...op.store8(),
      ...op.get(i), ...op.const(1), ...op.add, ...op.set(i), ...op.br(0),
      ...op.end, ...op.end,
    ];
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { f } = new WebAssembly.Instance(new WebAssembly.Module(encodeModule([{ name: 'f', params: 3, i32Locals: 1, body }])), { env: { memory } })
      .exports as { f: (s: number, n: number, d: number) => void };
    const heap = new Uint8Array(memory.buffer);
    heap.set([0, 1, 2, 100], 0);
    f(0, 4, 16);
    expect(Array.from(heap.subarray(16, 20))).toEqual([1, 4, 7, 45]); // 301 & 255 = 45
  });
});
