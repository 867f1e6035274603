// ONNX's ModelProto and the messages under it, as plain data, encoded with our ProtoWriter. Field numbers are
// onnx/onnx.proto's (proto2, unchanged since IR version 3 for every field used here).
import { ProtoWriter } from './proto';

/** TensorProto.DataType values we write. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export type DataTypeName = keyof typeof DataType;

export interface TensorDef {
  name: string;
  dims: readonly number[];
  dataType: DataTypeName;
  /** Row-major values; int64 values must be safe integers. */
  data: Float32Array | readonly number[];
}

export type AttrDef =
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'ints'; value: readonly number[] }
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'string'; value: string };

export interface NodeDef {
  name: string;
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs: readonly AttrDef[];
}

/** A graph input/output: element type float32; a string dim is symbolic (dim_param). */
export interface ValueInfoDef {
  name: string;
  dims: readonly (number | string)[];
}

export interface GraphDef {
  name: string;
  nodes: readonly NodeDef[];
  initializers: readonly TensorDef[];
  inputs: readonly ValueInfoDef[];
  outputs: readonly ValueInfoDef[];
}

export interface ModelDef {
  irVersion: number;
  opset: number;
  producerName: string;
  producerVersion?: string;
  graph: GraphDef;
  /** metadata_props, in order. */
  metadata: readonly [string, string][];
}

/** AttributeProto.AttributeType. */
const ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** raw_data: fixed-width little-endian values (onnx.proto's rule for raw_data). */
function rawData(t: TensorDef): Uint8Array {
  if (t.dataType === 'FLOAT') {
    const f = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    if (LITTLE_ENDIAN) return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    const out = new Uint8Array(f.length * 4);
    const dv = new DataView(out.buffer);
    f.forEach((v, i) => dv.setFloat32(i * 4, v, true));
    return out;
  }
  const out = new Uint8Array(t.data.length * 8);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (!Number.isSafeInteger(v)) throw new RangeError(`onnx: int64 tensor ${t.name} holds ${v}`);
    dv.setBigInt64(i * 8, BigInt(v), true);
  }
  return out;
}

export function encodeTensor(t: TensorDef): ProtoWriter {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (n !== t.data.length) throw new RangeError(`onnx: tensor ${t.name} has ${t.data.length} values for dims [${t.dims}]`);
  return new ProtoWriter()
    .ints(1, t.dims) // dims
    .int(2, DataType[t.dataType]) // data_type
    .string(8, t.name) // name
    .bytes(9, rawData(t)); // raw_data
}

function encodeAttr(a: AttrDef): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name); // name
  switch (a.type) {
    case 'float': w.float(2, a.value); break; // f
    case 'int': w.int(3, a.value); break; // i
    case 'string': w.string(4, a.value); break; // s
    case 'ints': w.ints(8, a.value); break; // ints
  }
  return w.int(20, ATTR_TYPE[a.type]); // type
}

function encodeNode(n: NodeDef): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attrs) w.message(5, encodeAttr(a));
  return w;
}

function encodeValueInfo(v: ValueInfoDef): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    // TensorShapeProto.Dimension: dim_value = 1 | dim_param = 2
    shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  }
  const tensorType = new ProtoWriter().int(1, DataType.FLOAT).message(2, shape); // elem_type, shape
  const type = new ProtoWriter().message(1, tensorType); // TypeProto.tensor_type
  return new ProtoWriter().string(1, v.name).message(2, type);
}

function encodeGraph(g: GraphDef): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, encodeTensor(t));
  for (const v of g.inputs) w.message(11, encodeValueInfo(v));
  for (const v of g.outputs) w.message(12, encodeValueInfo(v));
  return w;
}

/** The serialized ModelProto: the bytes of a .onnx file. */
export function encodeModel(m: ModelDef): Uint8Array {
  const w = new ProtoWriter().int(1, m.irVersion); // ir_version
  w.string(2, m.producerName);
  if (m.producerVersion) w.string(3, m.producerVersion);
  w.message(7, encodeGraph(m.graph)); // graph
  w.message(8, new ProtoWriter().string(1, '').int(2, m.opset)); // opset_import: default domain
  for (const [key, value] of m.metadata) w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w.finish();
}
