// A dataset too big for memory streams through: many small images, a source that counts what it has handed out and
// not yet seen leave the writer, and an archive past 65535 entries (ZIP64) that still reads back whole.
import { describe, expect, it } from 'vitest';
import { hypPreset } from '../config/hyps';
import { validateTrainOptions } from '../config/trainOptions';
import { readZip } from '../io/zip';
import { writeBundle, type BundleImage } from './writer';
import { ZipStreamWriter } from './zipWriter';
import { collect, unpack } from './testing';

/** Deterministic bytes of image i (sizes vary so a swapped image is caught). */
function imageBytes(i: number): Uint8Array {
  const n = 40 + (i % 57);
  return Uint8Array.from({ length: n }, (_, j) => (i * 131 + j * 17 + (i >> 8)) & 255);
}

describe('bundle streaming', () => {
  it('33k images: one image held at a time, every chunk pulled before the next read, ZIP64 archive reads back', async () => {
    const N = 33_000; // 2 entries per image: past the 65535 entries a plain zip can count
    const held = new Set<Uint8Array>();
    let maxHeld = 0;
    let maxHeldBytes = 0;
    let reads = 0;
    const image = (i: number, split: string): BundleImage => ({
      path: `/big/images/${split}/img${i}.jpg`,
      labels: i % 4 ? [i % 3, 0.5, 0.5, 0.25, 0.125] : [],
      bytes: async () => {
        reads++;
        const b = imageBytes(i);
        held.add(b);
        maxHeld = Math.max(maxHeld, held.size);
        maxHeldBytes = Math.max(maxHeldBytes, [...held].reduce((s, x) => s + x.length, 0));
        return b;
      },
    });
    const train = Array.from({ length: N - 1000 }, (_, i) => image(i, 'train'));
    const val = Array.from({ length: 1000 }, (_, i) => image(N - 1000 + i, 'val'));
    const options = validateTrainOptions({ data: 'x', weights: '', cfg: 'yolov5n', batch_size: 16 }).options;
    let progress = 0;
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of writeBundle({
      dataset: { name: 'big', names: ['a', 'b', 'c'], splits: { train, val } }, hyp: hypPreset('scratch-low'), options,
      mtime: new Date(Date.UTC(2024, 0, 1)), onProgress: (done) => (progress = done),
    })) {
      // an image's data arrives as the very array the source gave (no copy); once here the writer lets go of it
      held.delete(chunk);
      chunks.push(chunk.slice());
      total += chunk.length;
    }
    expect(reads).toBe(N);
    expect(progress).toBe(N);
    expect(maxHeld).toBe(1);
    expect(maxHeldBytes).toBeLessThanOrEqual(96);
    expect(held.size).toBe(0);

    const zip = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      zip.set(c, o);
      o += c.length;
    }
    const archive = readZip(zip, 'big.zip'); // checks every CRC, reads the ZIP64 end record
    expect(archive.entries.size).toBe(2 * N + 4);
    const dv = new DataView(zip.buffer, zip.length - 22);
    expect(dv.getUint16(10, true)).toBe(0xffff); // the 16-bit count saturated: readers take the ZIP64 record
    for (const i of [0, 1, 31_999, N - 1]) {
      const split = i < N - 1000 ? 'train' : 'val';
      expect(archive.read(`datasets/big/images/${split}/img${i}.jpg`)).toEqual(imageBytes(i));
      expect(new TextDecoder().decode(archive.read(`datasets/big/labels/${split}/img${i}.txt`))).toBe(i % 4 ? `${i % 3} 0.5 0.5 0.25 0.125\n` : '');
    }
  });

  it('ZIP64 end records on a small archive read back with our reader and with fflate', async () => {
    const files: [string, Uint8Array][] = [['a/b.txt', new TextEncoder().encode('hello')], ['c.bin', Uint8Array.from([0, 255, 7])], ['empty', new Uint8Array(0)]];
    for (const forceZip64 of [false, true]) {
      const w = new ZipStreamWriter({ forceZip64, mtime: new Date(Date.UTC(2030, 11, 31, 23, 59, 58)) });
      async function* all() {
        for (const [n, d] of files) yield* w.add(n, d);
        yield* w.finish();
      }
      const zip = await collect(all());
      expect(zip.length).toBe(w.bytesWritten);
      const ours = readZip(zip, 'z.zip');
      for (const [n, d] of files) expect(ours.read(n)).toEqual(d);
      const theirs = await unpack(zip);
      expect([...theirs.keys()].sort()).toEqual(files.map(([n]) => n).sort());
      expect(theirs.get('c.bin')).toEqual(files[1][1]);
      expect(zip.length).toBe(files.reduce((s, [n, d]) => s + 30 + 46 + 2 * n.length + d.length, 0) + 22 + (forceZip64 ? 76 : 0));
    }
    const w = new ZipStreamWriter();
    expect([...w.add('x', new Uint8Array(1))]).toHaveLength(2);
    expect(() => [...w.add('x', new Uint8Array(1))]).toThrow(expect.objectContaining({ code: 'duplicate_entry' }));
  });
});
