import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';
import { CheckpointError } from './errors';
import { readZip, writeZip, ZIP_ALIGNMENT } from './zip';

const enc = new TextEncoder();
const files = [
  { name: 'a/data.pkl', data: enc.encode('hello') },
  { name: 'a/data/0', data: new Uint8Array(1000).map((_, i) => i % 251) },
  { name: 'a/data/1', data: new Uint8Array(0) },
  { name: 'a/version', data: enc.encode('3\n') },
];

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return (e as CheckpointError).code;
  }
  throw new Error('expected a CheckpointError');
}

describe('zip', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes stored entries with 64-byte aligned data and reads them back', () => {
    const zip = writeZip(files);
    const r = readZip(zip, 't.zip');
    expect([...r.entries.keys()]).toEqual(files.map((f) => f.name));
    for (const f of files) {
      expect(r.entries.get(f.name)!.dataOffset % ZIP_ALIGNMENT).toBe(0);
      expect(Array.from(r.read(f.name))).toEqual(Array.from(f.data));
    }
  });

  it('reports a CRC mismatch naming the entry', () => {
    const zip = writeZip(files);
    const r = readZip(zip, 't.zip');
    zip[r.entries.get('a/data/0')!.dataOffset + 10] ^= 0xff;
    expect(() => readZip(zip, 't.zip')).toThrow(/CRC32 mismatch in a\/data\/0/);
  });

  it('refuses compressed entries, truncated archives and non-zip data', () => {
    const zip = writeZip(files);
    const cd = zip.length - 22 - files.reduce((s, f) => s + 46 + f.name.length, 0);
    const deflated = zip.slice();
    new DataView(deflated.buffer).setUint16(cd + 10, 8, true); // method of the first central entry
    expect(codeOf(() => readZip(deflated, 't.zip'))).toBe('zip_unsupported');
    expect(codeOf(() => readZip(zip.subarray(0, zip.length - 30), 't.zip'))).toBe('truncated');
    expect(codeOf(() => readZip(enc.encode('not a zip at all, just text........'), 't.zip'))).toBe('not_zip');
    expect(codeOf(() => readZip(new Uint8Array([0x80, 0x02, 0x8a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'old.pt'))).toBe('legacy_format');
  });

  it('detects a central directory pointing past the end of the file', () => {
    const zip = writeZip(files);
    const eocd = zip.length - 22;
    new DataView(zip.buffer).setUint32(eocd + 16, zip.length + 100, true);
    expect(codeOf(() => readZip(zip, 't.zip'))).toBe('truncated');
  });
});
