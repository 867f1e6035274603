/**
 * The zip container PyTorch (>= 1.6) writes with torch.save: stored (uncompressed) entries, all under one
 * top-level folder ("<archive>/data.pkl", "<archive>/data/<key>", "<archive>/version"), each entry's data
 * aligned to 64 bytes with an "FB" padding extra field so readers can mmap storages.
 * We read any stored zip (zip64 end records and zip64 extra fields included) and refuse compression.
 */
import { CheckpointError } from './errors';
import { crc32 } from './crc32';

export interface ZipEntry {
  name: string;
  /** byte offset of the entry's data in the archive */
  dataOffset: number;
  size: number;
  crc: number;
}

export interface ZipArchive {
  entries: Map<string, ZipEntry>;
  /** The entry's bytes as a view into the archive (no copy). */
  read(name: string): Uint8Array;
}

/** Record signatures of the zip format (APPNOTE 4.3), shared with the bundle's streaming writer. */
export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;
const MAX_ENTRIES = 1_000_000;
/** Data of every record starts at a multiple of this (torch's kFieldAlignment). */
export const ZIP_ALIGNMENT = 64;

function u64(dv: DataView, at: number): number {
  const lo = dv.getUint32(at, true);
  const hi = dv.getUint32(at + 4, true);
  if (hi >= 0x200000) throw new CheckpointError('zip_unsupported', `zip64 value at ${at} exceeds 2^53`);
  return hi * 0x100000000 + lo;
}

export function readZip(bytes: Uint8Array, fileName: string, verifyCrc = true): ZipArchive {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const need = (at: number, len: number, what: string): void => {
    if (at < 0 || at + len > n) {
      throw new CheckpointError('truncated', `${fileName}: ${what} at byte ${at} (+${len}) lies past the end of the file (${n} bytes)`);
    }
  };
  // The end-of-central-directory record sits in the last 22 + up to 65535 (comment) bytes.
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    if (n >= 4 && dv.getUint32(0, true) === SIG_LOCAL) {
      throw new CheckpointError('truncated', `${fileName}: zip is truncated (no end-of-central-directory record in ${n} bytes)`);
    }
    if (n >= 2 && bytes[0] === 0x80 && bytes[1] <= 5) {
      throw new CheckpointError('legacy_format', `${fileName}: legacy (torch < 1.6, non-zip) serialization is not supported; re-save it with a current torch.save`);
    }
    throw new CheckpointError('not_zip', `${fileName}: not a zip archive (no end-of-central-directory record)`);
  }
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== SIG_ZIP64_LOCATOR) {
      throw new CheckpointError('zip_corrupt', `${fileName}: saturated end record without a zip64 locator`);
    }
    const z64 = u64(dv, loc + 8);
    need(z64, 56, 'zip64 end record');
    if (dv.getUint32(z64, true) !== SIG_ZIP64_EOCD) throw new CheckpointError('zip_corrupt', `${fileName}: bad zip64 end record signature`);
    count = u64(dv, z64 + 32);
    cdSize = u64(dv, z64 + 40);
    cdOffset = u64(dv, z64 + 48);
  }
  if (count > MAX_ENTRIES) throw new CheckpointError('zip_unsupported', `${fileName}: ${count} zip entries exceed the limit ${MAX_ENTRIES}`);
  need(cdOffset, cdSize, 'central directory');

  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries = new Map<string, ZipEntry>();
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    need(p, 46, `central directory entry ${k}`);
    if (dv.getUint32(p, true) !== SIG_CENTRAL) throw new CheckpointError('zip_corrupt', `${fileName}: bad central directory signature at byte ${p}`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let csize = dv.getUint32(p + 20, true);
    let usize = dv.getUint32(p + 24, true);
    const nl = dv.getUint16(p + 28, true);
    const el = dv.getUint16(p + 30, true);
    const cl = dv.getUint16(p + 32, true);
    let local = dv.getUint32(p + 42, true);
    need(p + 46, nl + el + cl, `central directory entry ${k} name/extra`);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nl));
    // zip64 extended information: 8-byte values for exactly the fields saturated above, in this order.
    let e = p + 46 + nl;
    const eEnd = e + el;
    while (e + 4 <= eEnd) {
      const id = dv.getUint16(e, true);
      const len = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (usize === 0xffffffff) { usize = u64(dv, q); q += 8; }
        if (csize === 0xffffffff) { csize = u64(dv, q); q += 8; }
        if (local === 0xffffffff) { local = u64(dv, q); q += 8; }
      }
      e += 4 + len;
    }
    if (flags & 1) throw new CheckpointError('zip_unsupported', `${fileName}: entry ${name} is encrypted`);
    if (method !== 0) {
      throw new CheckpointError('zip_unsupported', `${fileName}: entry ${name} uses compression method ${method}; torch checkpoints store entries uncompressed`);
    }
    if (csize !== usize) throw new CheckpointError('zip_corrupt', `${fileName}: stored entry ${name} has compressed size ${csize} != size ${usize}`);
    need(local, 30, `local header of ${name}`);
    if (dv.getUint32(local, true) !== SIG_LOCAL) throw new CheckpointError('zip_corrupt', `${fileName}: bad local header signature for ${name}`);
    const dataOffset = local + 30 + dv.getUint16(local + 26, true) + dv.getUint16(local + 28, true);
    need(dataOffset, usize, `data of ${name}`);
    if (entries.has(name)) throw new CheckpointError('zip_corrupt', `${fileName}: duplicate zip entry ${name}`);
    entries.set(name, { name, dataOffset, size: usize, crc });
    p += 46 + nl + el + cl;
  }
  if (verifyCrc) {
    for (const en of entries.values()) {
      const got = crc32(bytes.subarray(en.dataOffset, en.dataOffset + en.size));
      if (got !== en.crc) {
        throw new CheckpointError('crc_mismatch', `${fileName}: CRC32 mismatch in ${en.name} (stored ${en.crc.toString(16)}, computed ${got.toString(16)})`);
      }
    }
  }
  return {
    entries,
    read(name: string): Uint8Array {
      const en = entries.get(name);
      if (!en) throw new CheckpointError('missing_storage', `${fileName}: no zip entry ${name}`);
      return bytes.subarray(en.dataOffset, en.dataOffset + en.size);
    },
  };
}

/** Writes stored entries in the given order, each entry's data 64-byte aligned via an "FB" extra field. */
export function writeZip(files: ReadonlyArray<{ name: string; data: Uint8Array }>): Uint8Array {
  if (files.length >= 0xffff) throw new CheckpointError('write_limit', `cannot write ${files.length} zip entries (limit 65534)`);
  const enc = new TextEncoder();
  const names = files.map((f) => enc.encode(f.name));
  const crcs = files.map((f) => crc32(f.data));
  // Layout pass: local header (30) + name + 4-byte extra header + padding, then data.
  const localOffsets: number[] = [];
  const pads: number[] = [];
  let at = 0;
  files.forEach((f, i) => {
    localOffsets.push(at);
    const head = at + 30 + names[i].length + 4;
    const pad = (ZIP_ALIGNMENT - (head % ZIP_ALIGNMENT)) % ZIP_ALIGNMENT;
    pads.push(pad);
    at = head + pad + f.data.length;
  });
  const cdOffset = at;
  const cdSize = names.reduce((s, nm) => s + 46 + nm.length, 0);
  const total = cdOffset + cdSize + 22;
  if (total > 0xfffffffe) throw new CheckpointError('write_limit', `checkpoint of ${total} bytes exceeds the 4 GiB we write without zip64`);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const DOS_DATE = 0x0021; // 1980-01-01, time 00:00 (torch writes zeros; this is the valid minimum)
  files.forEach((f, i) => {
    const o = localOffsets[i];
    dv.setUint32(o, SIG_LOCAL, true);
    dv.setUint16(o + 4, 20, true); // version needed 2.0
    dv.setUint16(o + 6, 0, true);
    dv.setUint16(o + 8, 0, true); // stored
    dv.setUint16(o + 10, 0, true);
    dv.setUint16(o + 12, DOS_DATE, true);
    dv.setUint32(o + 14, crcs[i], true);
    dv.setUint32(o + 18, f.data.length, true);
    dv.setUint32(o + 22, f.data.length, true);
    dv.setUint16(o + 26, names[i].length, true);
    dv.setUint16(o + 28, 4 + pads[i], true);
    out.set(names[i], o + 30);
    const x = o + 30 + names[i].length;
    dv.setUint16(x, 0x4246, true); // "FB"
    dv.setUint16(x + 2, pads[i], true);
    out.fill(0x5a, x + 4, x + 4 + pads[i]); // 'Z', as torch pads
    out.set(f.data, x + 4 + pads[i]);
  });
  let c = cdOffset;
  files.forEach((f, i) => {
    dv.setUint32(c, SIG_CENTRAL, true);
    dv.setUint16(c + 4, 20, true); // made by
    dv.setUint16(c + 6, 20, true); // needed
    dv.setUint16(c + 8, 0, true);
    dv.setUint16(c + 10, 0, true);
    dv.setUint16(c + 12, 0, true);
    dv.setUint16(c + 14, DOS_DATE, true);
    dv.setUint32(c + 16, crcs[i], true);
    dv.setUint32(c + 20, f.data.length, true);
    dv.setUint32(c + 24, f.data.length, true);
    dv.setUint16(c + 28, names[i].length, true);
    // extra, comment, disk, attributes: 0
    dv.setUint32(c + 42, localOffsets[i], true);
    out.set(names[i], c + 46);
    c += 46 + names[i].length;
  });
  dv.setUint32(c, SIG_EOCD, true);
  dv.setUint16(c + 8, files.length, true);
  dv.setUint16(c + 10, files.length, true);
  dv.setUint32(c + 12, cdSize, true);
  dv.setUint32(c + 16, cdOffset, true);
  return out;
}
