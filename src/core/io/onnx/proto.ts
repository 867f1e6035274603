// A minimal protocol-buffers writer: just the wire types ONNX needs (varint, 32-bit float, length-delimited).
// Output is kept as a list of chunks so a large tensor's bytes are referenced, not copied, until finish() joins
// everything once: a yolov5x export holds ~350 MB of weights and must not be copied per nesting level.

/** Protobuf wire types (the low 3 bits of a field's tag). */
const VARINT = 0;
const LEN = 2;
const I32 = 5;

const TWO_64 = 1n << 64n;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private buf = new Uint8Array(64);
  private pos = 0;
  private flushed = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos;
  }

  /** A non-negative int64/uint64 field as a varint; negative values take ten bytes (two's complement), as int64. */
  int(field: number, value: number | bigint): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A repeated int64 field, unpacked (proto2's default; parsers accept packed and unpacked alike). */
  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  /** A float field: 4 bytes, IEEE 754 little-endian. */
  float(field: number, value: number): this {
    this.tag(field, I32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).setFloat32(0, value, true);
    this.pos += 4;
    return this;
  }

  /** A repeated float field, unpacked. */
  floats(field: number, values: readonly number[]): this {
    for (const v of values) this.float(field, v);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A length-delimited field. Large payloads are kept by reference (the caller must not change them afterwards). */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, LEN);
    this.varint(data.length);
    if (data.length <= 256) {
      this.reserve(data.length);
      this.buf.set(data, this.pos);
      this.pos += data.length;
    } else {
      this.flush();
      this.parts.push(data);
      this.flushed += data.length;
    }
    return this;
  }

  /** An embedded message field; `sub` is consumed (its chunks move into this writer). */
  message(field: number, sub: ProtoWriter): this {
    this.tag(field, LEN);
    this.varint(sub.length);
    sub.flush();
    this.flush();
    for (const p of sub.parts) this.parts.push(p);
    this.flushed += sub.flushed;
    sub.parts.length = 0;
    sub.flushed = 0;
    return this;
  }

  /** The encoded message as one buffer. */
  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.flushed);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  private tag(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`protobuf: bad field number ${field}`);
    this.varint(field * 8 + wire);
  }

  private varint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: ${value} is not a safe integer`);
      if (value < 0) {
        this.varint(BigInt(value));
        return;
      }
      this.reserve(10);
      let v = value;
      while (v >= 0x80) {
        this.buf[this.pos++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      this.buf[this.pos++] = v;
      return;
    }
    if (value < -(1n << 63n) || value >= TWO_64) throw new RangeError(`protobuf: ${value} does not fit 64 bits`);
    let v = value < 0n ? value + TWO_64 : value;
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.parts.push(this.buf.slice(0, this.pos));
    this.flushed += this.pos;
    this.pos = 0;
  }
}
