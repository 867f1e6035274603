// A streaming zip writer with ZIP64. Each entry is given whole (one image, one label file), written out at once and
// let go: the writer keeps only the central directory (about 100 bytes per entry), never the archive. fflate's Zip
// streams too, but writes no ZIP64 records, so an archive past 65535 entries or 4 GiB (a large dataset, exactly the
// case a bundle must survive) comes out unreadable; this writer switches to ZIP64 end records when either is crossed.
// Every entry is stored: images and .pt files are compressed already, and labels and yaml are a rounding error.
import { concatBytes } from '../bytes';
import { crc32 } from '../io/crc32';
import { SIG_CENTRAL, SIG_EOCD, SIG_LOCAL, SIG_ZIP64_EOCD, SIG_ZIP64_LOCATOR } from '../io/zip';
import { BundleError } from './errors';

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/** General purpose flag bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
/** "Made by" Unix (3), spec 2.0 / 4.5 (ZIP64): unzip then applies the mode bits in the external attributes. */
const MADE_BY_UNIX = 3 << 8;
/** -rw-r--r-- regular file, in the high 16 bits of the external attributes. */
const FILE_MODE = (0o100644 << 16) >>> 0;
/** The central directory goes out in pieces of about this size. */
const CHUNK = 1 << 16;

export interface ZipWriterOptions {
  /** Modification time of every entry (DOS time, UTC fields); default now. Fixed in tests for identical output. */
  mtime?: Date;
  /** Write ZIP64 end records even for a small archive (tests of the ZIP64 path without writing 4 GiB). */
  forceZip64?: boolean;
}

function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
  };
}

function setU64(dv: DataView, at: number, v: number): void {
  dv.setUint32(at, v % 0x100000000, true);
  dv.setUint32(at + 4, Math.floor(v / 0x100000000), true);
}

const utf8 = new TextEncoder();

export class ZipStreamWriter {
  /** Bytes handed out so far: the offset of the next local header. */
  private offset = 0;
  private readonly central: Uint8Array[] = [];
  private centralBytes = 0;
  private readonly names = new Set<string>();
  private readonly stamp: { date: number; time: number };
  private finished = false;

  constructor(private readonly opts: ZipWriterOptions = {}) {
    this.stamp = dosDateTime(opts.mtime ?? new Date());
  }

  /** Bytes of archive produced so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  /**
   * The chunks of one entry: its local header, then its data. The data chunk is the caller's array itself (no
   * copy), so the caller should not change it until the chunk has been consumed.
   */
  *add(name: string, data: Uint8Array): Generator<Uint8Array> {
    if (this.finished) throw new BundleError('duplicate_entry', `zip entry ${name} added after the archive was finished`);
    if (this.names.has(name)) throw new BundleError('duplicate_entry', `zip entry ${name} is added twice`);
    if (data.length >= U32_MAX) throw new BundleError('entry_too_large', `zip entry ${name} is ${data.length} bytes; one entry must stay below 4 GiB`);
    this.names.add(name);
    const crc = crc32(data);
    const nameBytes = utf8.encode(name);
    const local = new Uint8Array(30 + nameBytes.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, SIG_LOCAL, true);
    lv.setUint16(4, 20, true); // version needed: 2.0 (the local header itself never needs ZIP64 here)
    lv.setUint16(6, FLAG_UTF8, true);
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(10, this.stamp.time, true);
    lv.setUint16(12, this.stamp.date, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, 0, true);
    local.set(nameBytes, 30);

    this.central.push(this.centralRecord(nameBytes, crc, data.length, this.offset));
    this.offset += local.length + data.length;
    yield local;
    if (data.length) yield data;
  }

  private centralRecord(name: Uint8Array, crc: number, size: number, at: number): Uint8Array {
    const zip64 = at >= U32_MAX;
    const extra = zip64 ? 12 : 0;
    const rec = new Uint8Array(46 + name.length + extra);
    const dv = new DataView(rec.buffer);
    const version = zip64 ? 45 : 20;
    dv.setUint32(0, SIG_CENTRAL, true);
    dv.setUint16(4, MADE_BY_UNIX | version, true);
    dv.setUint16(6, version, true);
    dv.setUint16(8, FLAG_UTF8, true);
    // compression method (offset 10): 0, stored
    dv.setUint16(12, this.stamp.time, true);
    dv.setUint16(14, this.stamp.date, true);
    dv.setUint32(16, crc, true);
    dv.setUint32(20, size, true);
    dv.setUint32(24, size, true);
    dv.setUint16(28, name.length, true);
    dv.setUint16(30, extra, true);
    // comment length, disk number, internal attributes: 0
    dv.setUint32(38, FILE_MODE, true);
    dv.setUint32(42, zip64 ? U32_MAX : at, true);
    rec.set(name, 46);
    if (zip64) {
      // ZIP64 extended information: only the field whose 32-bit slot holds 0xFFFFFFFF (the header offset)
      const e = 46 + name.length;
      dv.setUint16(e, 0x0001, true);
      dv.setUint16(e + 2, 8, true);
      setU64(dv, e + 4, at);
    }
    this.centralBytes += rec.length;
    return rec;
  }

  /** The central directory and end records; the writer takes no entries after this. */
  *finish(): Generator<Uint8Array> {
    if (this.finished) return;
    this.finished = true;
    const cdOffset = this.offset;
    const cdSize = this.centralBytes;
    const count = this.central.length;
    let piece: Uint8Array[] = [];
    let pieceBytes = 0;
    for (const rec of this.central) {
      piece.push(rec);
      pieceBytes += rec.length;
      if (pieceBytes >= CHUNK) {
        yield concatBytes(piece, pieceBytes);
        piece = [];
        pieceBytes = 0;
      }
    }
    if (pieceBytes) yield concatBytes(piece, pieceBytes);
    this.central.length = 0;
    this.offset += cdSize;

    const zip64 = this.opts.forceZip64 || count >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
    const tail = new Uint8Array((zip64 ? 56 + 20 : 0) + 22);
    const dv = new DataView(tail.buffer);
    let o = 0;
    if (zip64) {
      const recordAt = this.offset;
      dv.setUint32(0, SIG_ZIP64_EOCD, true);
      setU64(dv, 4, 44); // size of the rest of this record
      dv.setUint16(12, MADE_BY_UNIX | 45, true);
      dv.setUint16(14, 45, true);
      // this disk, disk of the central directory: 0
      setU64(dv, 24, count);
      setU64(dv, 32, count);
      setU64(dv, 40, cdSize);
      setU64(dv, 48, cdOffset);
      dv.setUint32(56, SIG_ZIP64_LOCATOR, true);
      setU64(dv, 64, recordAt);
      dv.setUint32(72, 1, true); // total number of disks
      o = 76;
    }
    dv.setUint32(o, SIG_EOCD, true);
    dv.setUint16(o + 8, zip64 ? U16_MAX : count, true);
    dv.setUint16(o + 10, zip64 ? U16_MAX : count, true);
    dv.setUint32(o + 12, zip64 ? U32_MAX : cdSize, true);
    dv.setUint32(o + 16, zip64 ? U32_MAX : cdOffset, true);
    this.offset += tail.length;
    yield tail;
  }
}

