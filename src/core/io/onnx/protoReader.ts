// Reads back the top of an .onnx file without a protobuf library: versions, metadata_props, graph inputs and
// outputs with their dims, op counts. Enough to show what a file holds (and to check what we wrote).
import { OnnxExportError } from './export';

export interface ProtoField {
  field: number;
  wire: 0 | 1 | 2 | 5;
  /** Varints as bigint (int64 may be negative: read it with BigInt.asIntN(64, v)); LEN fields as bytes. */
  value: bigint | Uint8Array;
}

/** One message's fields, in file order; nested messages stay bytes until read themselves. */
export function readFields(bytes: Uint8Array, what = 'onnx'): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const fail = (msg: string): never => {
    throw new OnnxExportError('bad_onnx', `${what}: ${msg} at byte ${pos}`);
  };
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= bytes.length) fail('truncated varint');
      const b = bytes[pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    return fail('varint longer than 10 bytes');
  };
  while (pos < bytes.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field < 1) fail(`field number ${field}`);
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 2) {
      const n = Number(varint());
      if (pos + n > bytes.length) fail(`field ${field} runs past the end`);
      out.push({ field, wire, value: bytes.subarray(pos, pos + n) });
      pos += n;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > bytes.length) fail(`field ${field} runs past the end`);
      out.push({ field, wire, value: bytes.subarray(pos, pos + n) });
      pos += n;
    } else fail(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (f: ProtoField) => new TextDecoder().decode(f.value as Uint8Array);
const int = (f: ProtoField) => Number(BigInt.asIntN(64, f.value as bigint));
const pick = (fs: ProtoField[], n: number) => fs.filter((f) => f.field === n);

export interface OnnxSummary {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  metadata: Record<string, string>;
  inputs: { name: string; dims: (number | string)[] }[];
  outputs: { name: string; dims: (number | string)[] }[];
  /** op_type -> node count. */
  ops: Record<string, number>;
  initializers: number;
}

function valueInfo(bytes: Uint8Array): { name: string; dims: (number | string)[] } {
  const v = readFields(bytes);
  const type = readFields(pick(v, 2)[0].value as Uint8Array);
  const tensor = readFields(pick(type, 1)[0].value as Uint8Array);
  const shape = pick(tensor, 2)[0];
  const dims = shape ? pick(readFields(shape.value as Uint8Array), 1).map((d) => {
    const f = readFields(d.value as Uint8Array)[0];
    return f?.field === 1 ? int(f) : f ? text(f) : '?';
  }) : [];
  return { name: text(pick(v, 1)[0]), dims };
}

export function readOnnxSummary(bytes: Uint8Array): OnnxSummary {
  const m = readFields(bytes);
  const graph = pick(m, 7)[0];
  if (!graph) throw new OnnxExportError('bad_onnx', 'onnx: the file has no graph');
  const g = readFields(graph.value as Uint8Array);
  const ops: Record<string, number> = {};
  for (const n of pick(g, 1)) {
    const op = text(pick(readFields(n.value as Uint8Array), 4)[0]);
    ops[op] = (ops[op] ?? 0) + 1;
  }
  const metadata: Record<string, string> = {};
  for (const e of pick(m, 14)) {
    const kv = readFields(e.value as Uint8Array);
    metadata[text(pick(kv, 1)[0])] = pick(kv, 2)[0] ? text(pick(kv, 2)[0]) : '';
  }
  return {
    irVersion: int(pick(m, 1)[0]),
    opsets: pick(m, 8).map((o) => {
      const f = readFields(o.value as Uint8Array);
      return { domain: pick(f, 1)[0] ? text(pick(f, 1)[0]) : '', version: int(pick(f, 2)[0]) };
    }),
    producerName: pick(m, 2)[0] ? text(pick(m, 2)[0]) : '',
    metadata,
    inputs: pick(g, 11).map((f) => valueInfo(f.value as Uint8Array)),
    outputs: pick(g, 12).map((f) => valueInfo(f.value as Uint8Array)),
    ops,
    initializers: pick(g, 5).length,
  };
}
