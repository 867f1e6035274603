/** Turning raw PyValues into the plain data the rest of the app uses. Depth-limited: pickles can hold cycles. */
import { CheckpointError } from './errors';
import { npValues } from './globals';
import { NdArray, PyFloat, PyObject, type PyValue, TorchTensor, type TorchDType } from './pyvalues';
import { tensorToFloat32 } from './tensor';

export interface StateTensor {
  /** row-major values (NCHW / OIHW layout as torch stores them) */
  data: Float32Array;
  shape: number[];
  /** dtype in the file (absent for tensors made here: float32) */
  dtype?: TorchDType;
}

export type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

const MAX_DEPTH = 64;

function tooDeep(where: string): never {
  throw new CheckpointError('pickle_limit', `${where}: value nested deeper than ${MAX_DEPTH} levels`);
}

/**
 * JSON-like view of a value: dicts become objects (keys stringified), tuples arrays, tensors and numpy
 * arrays flat number arrays (a 1-element numpy array becomes its number), module objects their class name.
 */
export function toPlain(v: PyValue | undefined, where: string, depth = 0): Plain {
  if (depth > MAX_DEPTH) tooDeep(where);
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return v.value;
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map((x) => toPlain(x, where, depth + 1));
  if (v instanceof Map) {
    const o: { [k: string]: Plain } = {};
    for (const [k, x] of v) o[String(k)] = toPlain(x, where, depth + 1);
    return o;
  }
  if (v instanceof Set) return [...v].map((x) => toPlain(x, where, depth + 1));
  if (v instanceof TorchTensor) return Array.from(tensorToFloat32(v));
  if (v instanceof NdArray) {
    const vals = npValues(v.dtype, v.bytes);
    return vals.length === 1 && v.shape.length <= 1 ? vals[0] : vals;
  }
  if (v instanceof PyObject) return v.__class__;
  return String(v);
}

export function toStateTensor(t: TorchTensor): StateTensor {
  return { data: tensorToFloat32(t), shape: [...t.shape], dtype: t.dtype };
}

/** A number from an int/float/numpy scalar/1-element array or tensor; null for None. */
export function toNumber(v: PyValue | undefined, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof NdArray || v instanceof TorchTensor) {
    const p = toPlain(v, what);
    if (typeof p === 'number') return p;
    if (Array.isArray(p) && p.length === 1 && typeof p[0] === 'number') return p[0];
  }
  throw new CheckpointError('not_checkpoint', `${what} is not a number`);
}

/** Attribute `key` of a module object's __dict__ when it is a dict-like (OrderedDict _parameters etc.). */
export function dictAttr(obj: PyObject, key: string): Map<PyValue, PyValue> {
  const v = obj.get(key);
  return v instanceof Map ? v : new Map();
}

export interface ModuleWalk {
  tensors: Map<string, { tensor: TorchTensor; isParameter: boolean }>;
  /** every module object in traversal order with its dotted path ('' for the root) */
  modules: Array<{ path: string; obj: PyObject }>;
}

/**
 * state_dict() of a pickled nn.Module tree: each module's _parameters, then its persistent _buffers, then
 * its children from _modules, names joined with dots (model.0.conv.weight), as torch orders them.
 */
export function walkModule(root: PyObject, where: string): ModuleWalk {
  const out: ModuleWalk = { tensors: new Map(), modules: [] };
  const visit = (m: PyObject, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH) tooDeep(where);
    out.modules.push({ path: prefix.replace(/\.$/, ''), obj: m });
    const nonPersistent = m.get('_non_persistent_buffers_set');
    for (const [group, isParameter] of [['_parameters', true], ['_buffers', false]] as const) {
      for (const [name, t] of dictAttr(m, group)) {
        if (t === null) continue; // e.g. Conv2d bias=False
        if (!isParameter && nonPersistent instanceof Set && nonPersistent.has(name)) continue;
        if (!(t instanceof TorchTensor)) throw new CheckpointError('bad_model', `${where}: ${prefix}${String(name)} in ${group} is not a tensor`);
        out.tensors.set(`${prefix}${String(name)}`, { tensor: t, isParameter });
      }
    }
    for (const [name, child] of dictAttr(m, '_modules')) {
      if (child === null) continue;
      if (!(child instanceof PyObject)) throw new CheckpointError('bad_model', `${where}: submodule ${prefix}${String(name)} is not a module object`);
      visit(child, `${prefix}${String(name)}.`, depth + 1);
    }
  };
  visit(root, '', 0);
  return out;
}
