/** Converting torch tensors to and from contiguous Float32Array data. */
import { CheckpointError } from './errors';
import { floatToHalfBits, halfToFloatTable } from './half';
import { contiguousStride, DTYPE_BYTES, TorchStorage, TorchTensor, type TorchDType } from './pyvalues';

/** Tensor elements in row-major order as float32: fp16 widens exactly; int64 exact below 2^24; f64 rounds. */
export function tensorToFloat32(t: TorchTensor): Float32Array {
  const n = t.numel;
  const out = new Float32Array(n);
  if (n === 0) return out;
  const s = t.storage;
  const dv = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
  const size = DTYPE_BYTES[s.dtype];
  const halfs = s.dtype === 'float16' ? halfToFloatTable() : null;
  const read = (el: number): number => {
    const at = el * size;
    switch (s.dtype) {
      case 'float16': return (halfs as Float32Array)[dv.getUint16(at, true)];
      case 'float32': return dv.getFloat32(at, true);
      case 'float64': return dv.getFloat64(at, true);
      case 'int64': return dv.getInt32(at + 4, true) * 0x100000000 + dv.getUint32(at, true);
    }
  };
  const contiguous = contiguousStride(t.shape);
  if (t.shape.every((d, i) => d === 1 || t.stride[i] === contiguous[i])) {
    for (let i = 0; i < n; i++) out[i] = read(t.offset + i);
    return out;
  }
  // General strides: walk a multi-index (e.g. transposed or expanded views).
  const idx = new Array<number>(t.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let el = t.offset;
    for (let d = 0; d < idx.length; d++) el += idx[d] * t.stride[d];
    out[i] = read(el);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** A new contiguous tensor holding `data` (row-major, `shape`) converted to `dtype`. */
export function makeTensor(
  data: ArrayLike<number>,
  shape: readonly number[],
  dtype: TorchDType,
  opts: { requiresGrad?: boolean; isParameter?: boolean } = {},
): TorchTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new CheckpointError('bad_model', `tensor data has ${data.length} values for shape ${JSON.stringify(shape)}`);
  const bytes = new Uint8Array(n * DTYPE_BYTES[dtype]);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    switch (dtype) {
      case 'float16': dv.setUint16(2 * i, floatToHalfBits(v), true); break;
      case 'float32': dv.setFloat32(4 * i, v, true); break;
      case 'float64': dv.setFloat64(8 * i, v, true); break;
      case 'int64': dv.setBigInt64(8 * i, BigInt(Math.round(v)), true); break;
    }
  }
  return new TorchTensor(new TorchStorage(dtype, n, bytes), Object.freeze([...shape]), Object.freeze(contiguousStride(shape)), 0, opts.requiresGrad ?? false, opts.isParameter ?? false);
}
