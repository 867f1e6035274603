/**
 * The whitelist of Python globals a YOLOv5 checkpoint may reference, and what each one builds.
 * It is the union of the globals in reference/checkpoint_contents.json plus models.yolo.Model and
 * torch.DoubleStorage (release weights), and the numpy 2 spelling (numpy._core) of the numpy
 * reconstructors. Module classes become PyObject records; classes under models.* / torch.nn.modules.*
 * we do not model are also records (no code runs either way) and are reported by the checkpoint reader.
 */
import { CheckpointError } from './errors';
import type { UnpickleContext } from './unpickler';
import {
  NdArray,
  NpDType,
  OrderedDict,
  PyGlobal,
  PyObject,
  type PyValue,
  TorchStorage,
  TorchTensor,
  type TorchDType,
} from './pyvalues';

/** Module classes our model code can build (and the writer writes). */
export const SUPPORTED_MODULE_CLASSES: ReadonlySet<string> = new Set([
  'models.yolo.DetectionModel',
  'models.yolo.Model',
  'models.yolo.Detect',
  'models.common.Conv',
  'models.common.C3',
  'models.common.Bottleneck',
  'models.common.SPPF',
  'models.common.Concat',
  'torch.nn.modules.activation.SiLU',
  'torch.nn.modules.batchnorm.BatchNorm2d',
  'torch.nn.modules.container.ModuleList',
  'torch.nn.modules.container.Sequential',
  'torch.nn.modules.conv.Conv2d',
  'torch.nn.modules.pooling.MaxPool2d',
  'torch.nn.modules.upsampling.Upsample',
]);

export const STORAGE_DTYPES: Readonly<Record<string, TorchDType>> = {
  'torch.HalfStorage': 'float16',
  'torch.FloatStorage': 'float32',
  'torch.DoubleStorage': 'float64',
  'torch.LongStorage': 'int64',
};

const FUNCTIONS = new Set([
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'collections.OrderedDict',
  '__builtin__.set',
  'builtins.set',
  '_codecs.encode',
  'numpy.dtype',
  'numpy.ndarray',
  'numpy.core.multiarray._reconstruct',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray._reconstruct',
  'numpy._core.multiarray.scalar',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Module-like classes (safe to record as data): the YOLOv5 packages and torch.nn modules. */
function isModuleNamespace(module: string): boolean {
  return module === 'models' || module.startsWith('models.') || module.startsWith('torch.nn.modules.');
}

const NP_ITEM: Record<string, number> = { b1: 1, i1: 1, u1: 1, i2: 2, u2: 2, f2: 2, i4: 4, u4: 4, f4: 4, i8: 8, u8: 8, f8: 8 };
export function npItemSize(d: NpDType): number {
  const n = NP_ITEM[d.str.replace(/^[<>|=]/, '')];
  if (!n) throw new CheckpointError('bad_value', `numpy dtype '${d.str}' is not a plain numeric type`);
  return n;
}

/** Read element 0..n-1 of numeric bytes as numbers (f2 widened exactly; int64 exact up to 2^53). */
export function npValues(d: NpDType, bytes: Uint8Array): number[] {
  const size = npItemSize(d);
  const kind = d.str.replace(/^[<>|=]/, '');
  const le = d.byteorder !== '>' && !d.str.startsWith('>');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let at = 0; at + size <= bytes.length; at += size) {
    switch (kind) {
      case 'f8': out.push(dv.getFloat64(at, le)); break;
      case 'f4': out.push(dv.getFloat32(at, le)); break;
      case 'f2': out.push(halfFromBits(dv.getUint16(at, le))); break;
      case 'i8': out.push(Number(dv.getBigInt64(at, le))); break;
      case 'u8': out.push(Number(dv.getBigUint64(at, le))); break;
      case 'i4': out.push(dv.getInt32(at, le)); break;
      case 'u4': out.push(dv.getUint32(at, le)); break;
      case 'i2': out.push(dv.getInt16(at, le)); break;
      case 'u2': out.push(dv.getUint16(at, le)); break;
      case 'i1': out.push(dv.getInt8(at)); break;
      default: out.push(dv.getUint8(at)); break; // u1, b1
    }
  }
  return out;
}

function halfFromBits(h: number): number {
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  const s = h & 0x8000 ? -1 : 1;
  if (exp === 0) return s * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : s * Infinity;
  return s * (1 + mant / 1024) * 2 ** (exp - 15);
}

function latin1Bytes(v: PyValue, where: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v !== 'string') throw new CheckpointError('bad_value', `${where}: expected bytes or a latin-1 string`);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c > 255) throw new CheckpointError('bad_value', `${where}: character ${c} is not latin-1`);
    out[i] = c;
  }
  return out;
}

function intTuple(v: PyValue, what: string, where: string, maxLen = 16): number[] {
  if (!Array.isArray(v) || v.length > maxLen || !v.every((x) => Number.isSafeInteger(x) && (x as number) >= 0)) {
    throw new CheckpointError('bad_value', `${where}: ${what} must be a tuple of at most ${maxLen} non-negative ints`);
  }
  return v as number[];
}

const MAX_TENSOR_NUMEL = 2 ** 31;

function rebuildTensor(args: readonly PyValue[], where: string): TorchTensor {
  if (args.length !== 6 && args.length !== 7) throw new CheckpointError('bad_value', `${where}: _rebuild_tensor_v2 takes 6 or 7 arguments, got ${args.length}`);
  const [storage, offset, size, stride, requiresGrad] = args;
  if (!(storage instanceof TorchStorage)) throw new CheckpointError('bad_value', `${where}: _rebuild_tensor_v2 without a storage`);
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw new CheckpointError('bad_value', `${where}: bad storage offset`);
  const shape = intTuple(size, 'size', where);
  const strides = intTuple(stride, 'stride', where);
  if (shape.length !== strides.length) throw new CheckpointError('bad_value', `${where}: size and stride lengths differ`);
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel > MAX_TENSOR_NUMEL) throw new CheckpointError('pickle_limit', `${where}: tensor of ${numel} elements exceeds 2^31`);
  if (numel > 0) {
    const last = (offset as number) + shape.reduce((s, n, i) => s + (n - 1) * strides[i], 0);
    if (last >= storage.numel) {
      throw new CheckpointError('storage_size', `${where}: tensor ${JSON.stringify(shape)} at offset ${offset} reaches element ${last} of storage ${storage.key} (${storage.numel} elements)`);
    }
  }
  return new TorchTensor(storage, Object.freeze(shape), Object.freeze(strides), offset as number, requiresGrad === true, false);
}

export interface TorchContextOptions {
  where: string;
  /** Resolve a persistent storage id: ('storage', storage_type, key, location, numel). */
  loadStorage(dtype: TorchDType, key: string, numel: number): TorchStorage;
}

/** The UnpickleContext for torch checkpoints. `seenClasses` collects every class instantiated. */
export function torchContext(opts: TorchContextOptions, seenClasses: Set<string>): UnpickleContext {
  const { where } = opts;
  const bad = (msg: string): never => {
    throw new CheckpointError('bad_value', `${where}: ${msg}`);
  };
  const asGlobal = (v: PyValue, op: string): PyGlobal => (v instanceof PyGlobal ? v : bad(`${op} on a value that is not a global`));
  const instance = (g: PyGlobal, args: readonly PyValue[]): PyObject => {
    seenClasses.add(g.fullName);
    return new PyObject(g.fullName, args);
  };
  return {
    findGlobal(module, name) {
      const full = `${module}.${name}`;
      if (!IDENT.test(full)) throw new CheckpointError('global_not_allowed', `${where}: malformed global name ${JSON.stringify(full)}`);
      if (FUNCTIONS.has(full) || full in STORAGE_DTYPES || SUPPORTED_MODULE_CLASSES.has(full) || isModuleNamespace(module)) {
        return new PyGlobal(module, name);
      }
      throw new CheckpointError('global_not_allowed', `${where}: pickle references the global '${full}', which is not on the checkpoint whitelist (no code is run)`);
    },
    call(fnv, args) {
      const fn = asGlobal(fnv, 'REDUCE');
      switch (fn.fullName) {
        case 'torch._utils._rebuild_tensor_v2':
          return rebuildTensor(args, where);
        case 'torch._utils._rebuild_parameter': {
          const t = args[0];
          if (!(t instanceof TorchTensor) || args.length < 2) return bad('_rebuild_parameter without a tensor');
          const r = t as TorchTensor;
          return new TorchTensor(r.storage, r.shape, r.stride, r.offset, args[1] === true, true);
        }
        case 'collections.OrderedDict': {
          const d = new OrderedDict();
          const init = args[0];
          if (Array.isArray(init)) {
            for (const kv of init) {
              if (!Array.isArray(kv) || kv.length !== 2) bad('OrderedDict initialiser is not a list of pairs');
              d.set((kv as PyValue[])[0], (kv as PyValue[])[1]);
            }
          }
          return d;
        }
        case '__builtin__.set':
        case 'builtins.set':
          return new Set(Array.isArray(args[0]) ? (args[0] as PyValue[]) : []);
        case '_codecs.encode': {
          if (args[1] !== 'latin1' && args[1] !== 'latin-1') bad(`_codecs.encode with encoding ${String(args[1])}`);
          return latin1Bytes(args[0], `${where}: _codecs.encode`);
        }
        case 'numpy.dtype': {
          if (typeof args[0] !== 'string') bad('numpy.dtype without a type string');
          const d = new NpDType(args[0] as string);
          npItemSize(d);
          return d;
        }
        case 'numpy.core.multiarray._reconstruct':
        case 'numpy._core.multiarray._reconstruct':
          if (!(args[0] instanceof PyGlobal) || args[0].fullName !== 'numpy.ndarray') bad('_reconstruct of something other than numpy.ndarray');
          return new NdArray(new NpDType('u1'), [0], new Uint8Array(0));
        case 'numpy.core.multiarray.scalar':
        case 'numpy._core.multiarray.scalar': {
          const d = args[0];
          if (!(d instanceof NpDType)) return bad('numpy scalar without a dtype');
          const raw = latin1Bytes(args[1], `${where}: numpy scalar`);
          if (raw.length !== npItemSize(d)) bad(`numpy scalar of dtype ${d.str} has ${raw.length} bytes`);
          return npValues(d, raw)[0];
        }
        default:
          if (fn.fullName in STORAGE_DTYPES || fn.fullName === 'numpy.ndarray') return bad(`${fn.fullName} cannot be called`);
          return instance(fn, args); // a module class called like cls(*args): recorded, not run
      }
    },
    newObj(clsv, args) {
      const cls = asGlobal(clsv, 'NEWOBJ');
      if (FUNCTIONS.has(cls.fullName) || cls.fullName in STORAGE_DTYPES) return bad(`NEWOBJ of ${cls.fullName}`);
      return instance(cls, args);
    },
    build(obj, state) {
      if (obj instanceof PyObject) {
        if (state instanceof Map) {
          for (const [k, v] of state) {
            if (typeof k !== 'string') bad(`attribute name of ${obj.__class__} is not a string`);
            obj.__dict__.set(k as string, v);
          }
        } else obj.__state__ = state;
      } else if (obj instanceof OrderedDict) {
        if (!(state instanceof Map)) bad('OrderedDict state is not a dict');
        obj.attrs = state as Map<PyValue, PyValue>;
      } else if (obj instanceof NpDType) {
        // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
        if (!Array.isArray(state) || typeof state[1] !== 'string') bad('numpy dtype state');
        obj.byteorder = (state as PyValue[])[1] as string;
      } else if (obj instanceof NdArray) {
        // (version, shape, dtype, is_fortran, rawdata)
        if (!Array.isArray(state) || state.length !== 5) return bad('numpy array state');
        const [, shapeV, dtype, fortran, raw] = state as PyValue[];
        if (!(dtype instanceof NpDType)) return bad('numpy array state without a dtype');
        const shape = intTuple(shapeV, 'numpy shape', where);
        const bytes = latin1Bytes(raw, `${where}: numpy array data`);
        const numel = shape.reduce((a, b) => a * b, 1);
        if (bytes.length !== numel * npItemSize(dtype)) bad(`numpy array ${JSON.stringify(shape)} ${dtype.str} has ${bytes.length} data bytes`);
        obj.dtype = dtype;
        obj.shape = Object.freeze(shape);
        obj.bytes = bytes;
        obj.fortran = fortran === true;
      } else {
        bad('BUILD on a value that has no state');
      }
    },
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid.length !== 5 || pid[0] !== 'storage') return bad('persistent id is not (storage, type, key, location, numel)');
      const [, typ, key, , numel] = pid as PyValue[];
      const dtype = typ instanceof PyGlobal ? STORAGE_DTYPES[typ.fullName] : undefined;
      if (!dtype) return bad(`persistent id names storage type ${typ instanceof PyGlobal ? typ.fullName : String(typ)}`);
      if (typeof key !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(key)) return bad(`storage key ${JSON.stringify(key)} is malformed`);
      if (!Number.isSafeInteger(numel) || (numel as number) < 0) return bad(`storage ${key} has a bad element count`);
      return opts.loadStorage(dtype, key, numel as number);
    },
  };
}
