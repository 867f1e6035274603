/**
 * The Python values a torch pickle can hold, as plain TypeScript data. Nothing here runs code:
 * class instances become PyObject records, tensors become views on their zip storage.
 * The same classes are what the pickler writes, so a value read can be written back.
 *
 *   None -> null, bool -> boolean, int -> number (bigint beyond 2^53), float -> number (PyFloat to force
 *   a float when writing an integral value), str -> string, bytes -> Uint8Array, list -> array,
 *   tuple -> frozen array (see `tuple`), dict -> Map, collections.OrderedDict -> OrderedDict (a Map),
 *   set -> Set, objects -> PyObject.
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyFloat
  | readonly PyValue[]
  | Map<PyValue, PyValue>
  | Set<PyValue>
  | PyObject
  | PyGlobal
  | TorchTensor
  | TorchStorage
  | NdArray
  | NpDType;

/** A tuple: a frozen array, so lists (mutable arrays) and tuples stay distinct through read -> write. */
export function tuple<T extends PyValue>(...items: T[]): readonly T[] {
  return Object.freeze(items);
}
export function isTuple(v: unknown): v is readonly PyValue[] {
  return Array.isArray(v) && Object.isFrozen(v);
}

/** A float the pickler must write as a float even when it is integral (2.0, not 2). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** collections.OrderedDict; `attrs` holds instance attributes set by BUILD (e.g. a state_dict's _metadata). */
export class OrderedDict extends Map<PyValue, PyValue> {
  attrs: Map<PyValue, PyValue> | null = null;
}

/** A reference to a whitelisted global, as the pickle's GLOBAL opcode names it. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of a Python class (torch.nn modules, models.yolo.*): its class path and attribute dict. */
export class PyObject {
  /** Instance attributes set by BUILD, in Python's __dict__ order. */
  __dict__: Map<string, PyValue> = new Map();
  /** BUILD state that was not a dict (kept, never interpreted). */
  __state__: PyValue = null;
  constructor(
    readonly __class__: string,
    readonly __args__: readonly PyValue[] = [],
  ) {}
  get(key: string): PyValue | undefined {
    return this.__dict__.get(key);
  }
}

export type TorchDType = 'float16' | 'float32' | 'float64' | 'int64';

export const STORAGE_CLASS: Record<TorchDType, string> = {
  float16: 'HalfStorage',
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  int64: 'LongStorage',
};
export const DTYPE_BYTES: Record<TorchDType, number> = { float16: 2, float32: 4, float64: 8, int64: 8 };

/** A typed storage: `bytes` is little-endian element data (a view into the zip when read). */
export class TorchStorage {
  constructor(
    readonly dtype: TorchDType,
    readonly numel: number,
    readonly bytes: Uint8Array,
    /** zip record key ("0", "1", ...) when read; assigned afresh when written */
    readonly key: string = '',
  ) {}
}

/** A tensor (torch._utils._rebuild_tensor_v2), optionally an nn.Parameter (_rebuild_parameter). */
export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    readonly offset: number = 0,
    readonly requiresGrad: boolean = false,
    readonly isParameter: boolean = false,
  ) {}
  get dtype(): TorchDType {
    return this.storage.dtype;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

/** numpy.dtype: a type string like 'f8' and its byte order ('<', '>', '|', '='). */
export class NpDType {
  byteorder = '=';
  constructor(readonly str: string) {}
}

/** numpy.ndarray with raw element bytes. */
export class NdArray {
  constructor(
    public dtype: NpDType,
    public shape: readonly number[],
    public bytes: Uint8Array,
    public fortran = false,
  ) {}
}

/** Row-major strides for a shape (torch's contiguous layout). */
export function contiguousStride(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}
