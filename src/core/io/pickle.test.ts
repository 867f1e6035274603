import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import { torchContext } from './globals';
import { pickle } from './pickler';
import { isTuple, NdArray, NpDType, OrderedDict, PyFloat, PyObject, type PyValue, TorchStorage, TorchTensor, tuple } from './pyvalues';
import { DEFAULT_PICKLE_LIMITS, unpickle } from './unpickler';

const noStorage = (): never => {
  throw new Error('no storages in this test');
};
function load(bytes: Uint8Array | number[], limits = DEFAULT_PICKLE_LIMITS): PyValue {
  const classes = new Set<string>();
  return unpickle(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), torchContext({ where: 't.pkl', loadStorage: noStorage }, classes), 't.pkl', limits);
}
function err(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}
/** Assemble a pickle from opcodes given as strings (latin-1) and byte arrays. */
function pk(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return new Uint8Array(out);
}

describe('unpickler', () => {
  it('refuses os.system and names the global', () => {
    // GLOBAL 'os system', BINUNICODE 'ls', TUPLE1, REDUCE, STOP  (what pickle.dumps(os.system-reduce) emits)
    const bytes = pk([0x80, 2], 'cos\nsystem\nq\x00X', [2, 0, 0, 0], 'ls\x85R.');
    const e = err(() => load(bytes));
    expect(e.code).toBe('global_not_allowed');
    expect(e.message).toContain("'os.system'");
    expect(err(() => load(pk([0x80, 2], 'cbuiltins\neval\n.'))).message).toContain("'builtins.eval'");
    expect(err(() => load(pk([0x80, 2], 'X', [5, 0, 0, 0], 'posix', 'X', [6, 0, 0, 0], 'system', [0x93], '.'))).code).toBe('global_not_allowed');
  });

  it('decodes protocol-2 scalars, containers and memo references', () => {
    // {'a': (1, -2, 3.5), 'b': [True, None, 'é'], 7: <same tuple via memo>, 'big': 2**70, 'neg': -1 (LONG1)}
    const bytes = pk(
      [0x80, 2], '}q\x00(', 'X', [1, 0, 0, 0], 'a', 'K\x01J', [0xfe, 0xff, 0xff, 0xff], 'G', [0x40, 0x0c, 0, 0, 0, 0, 0, 0], [0x87], 'q\x01',
      'X', [1, 0, 0, 0], 'b', ']q\x02(', [0x88], 'N', 'X', [2, 0, 0, 0], [0xc3, 0xa9], 'e',
      'K\x07h\x01', 'X', [3, 0, 0, 0], 'big', [0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0x40], 'X', [3, 0, 0, 0], 'neg', [0x8a, 1, 0xff], 'u.',
    );
    const v = load(bytes) as Map<PyValue, PyValue>;
    expect(v.get('a')).toEqual([1, -2, 3.5]);
    expect(isTuple(v.get('a'))).toBe(true);
    expect(v.get('b')).toEqual([true, null, 'é']);
    expect(isTuple(v.get('b'))).toBe(false);
    expect(v.get(7)).toBe(v.get('a')); // memo keeps identity
    expect(v.get('big')).toBe(2n ** 70n);
    expect(v.get('neg')).toBe(-1);
  });

  it('round-trips values through pickle() and unpickle()', () => {
    const od = new OrderedDict([['x', 1]]);
    od.attrs = new Map<PyValue, PyValue>([['_metadata', new Map()]]);
    const obj = new PyObject('models.common.Conv');
    obj.__dict__.set('training', false);
    obj.__dict__.set('f', [-1, 6]);
    const shared = [1, 2];
    const value = new Map<PyValue, PyValue>([
      [0, 'zero'], ['t', tuple(1, 2, 3, 4)], ['f', new PyFloat(2)], ['g', 0.25], ['neg', -70000], ['huge', -(2n ** 80n)],
      ['set', new Set<PyValue>(['a'])], ['od', od], ['obj', obj], ['s1', shared], ['s2', shared], ['bytes', new Uint8Array([0, 200, 255])],
      ['long', Array.from({ length: 2500 }, (_, i) => i)], ['dict', new Map(Array.from({ length: 1200 }, (_, i) => [i, String(i)]))],
    ]);
    const back = load(pickle(value).bytes) as Map<PyValue, PyValue>;
    expect(back.get(0)).toBe('zero');
    expect(isTuple(back.get('t'))).toBe(true);
    expect(back.get('t')).toEqual([1, 2, 3, 4]);
    expect(back.get('f')).toBe(2);
    expect(back.get('g')).toBe(0.25);
    expect(back.get('neg')).toBe(-70000);
    expect(back.get('huge')).toBe(-(2n ** 80n));
    expect(back.get('set')).toEqual(new Set(['a']));
    const od2 = back.get('od') as OrderedDict;
    expect(od2).toBeInstanceOf(OrderedDict);
    expect(od2.get('x')).toBe(1);
    expect(od2.attrs?.get('_metadata')).toEqual(new Map());
    const obj2 = back.get('obj') as PyObject;
    expect(obj2.__class__).toBe('models.common.Conv');
    expect(obj2.get('f')).toEqual([-1, 6]);
    expect(back.get('s1')).toBe(back.get('s2'));
    expect(Array.from(back.get('bytes') as Uint8Array)).toEqual([0, 200, 255]);
    expect((back.get('long') as number[]).length).toBe(2500);
    expect((back.get('dict') as Map<PyValue, PyValue>).get(1199)).toBe('1199');
  });

  it('writes a float as BINFLOAT even when integral (PyFloat) and ints as ints', () => {
    const b = pickle(tuple<PyValue>(new PyFloat(3), 3)).bytes;
    expect(Array.from(b.subarray(2, 3))).toEqual([0x47]); // BINFLOAT
    expect(b[11]).toBe(0x4b); // BININT1
  });

  it('reads numpy scalars and arrays built with _codecs.encode', () => {
    const d = new NpDType('f8');
    d.byteorder = '<';
    const bytes = pickle(new NdArray(d, [2], new Uint8Array(new Float64Array([0.5, -2]).buffer))).bytes;
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('numpy.core.multiarray\n_reconstruct');
    expect(text).toContain('_codecs\nencode');
    const nd = load(bytes) as NdArray;
    expect(nd).toBeInstanceOf(NdArray);
    expect(nd.shape).toEqual([2]);
    expect(nd.dtype.byteorder).toBe('<');
    expect(new Float64Array(nd.bytes.slice().buffer)).toEqual(new Float64Array([0.5, -2]));
    // numpy.core.multiarray.scalar(dtype('f8'), <py2 str of 8 bytes>) -> 0.125
    const f8 = Array.from(new Uint8Array(new Float64Array([0.125]).buffer));
    const scalar = pk([0x80, 2], 'cnumpy.core.multiarray\nscalar\ncnumpy\ndtype\nX', [2, 0, 0, 0], 'f8', [0x89, 0x88, 0x87], 'R(K\x03X', [1, 0, 0, 0], '<NNNJ', [0xff, 0xff, 0xff, 0xff], 'J', [0xff, 0xff, 0xff, 0xff], 'K\x00tbU\x08', f8, [0x86], 'R.');
    expect(load(scalar)).toBe(0.125);
  });

  it('enforces limits on lengths, memo, nesting and malformed input', () => {
    expect(err(() => load(pk([0x80, 2], 'X', [0xf0, 0xff, 0xff, 0xff], 'abc.'))).code).toBe('pickle_limit');
    expect(err(() => load(pk([0x80, 2], 'X', [10, 0, 0, 0], 'abc'))).code).toBe('pickle_opcode'); // truncated
    expect(err(() => load(pk([0x80, 2], '('.repeat(1001), ')'))).code).toBe('pickle_limit');
    const memo = pk([0x80, 2], ']', ...Array.from({ length: 10 }, (_, i) => `q${String.fromCharCode(i)}`), '.');
    expect(err(() => load(memo, { ...DEFAULT_PICKLE_LIMITS, maxMemo: 5 })).code).toBe('pickle_limit');
    expect(err(() => load(pk([0x80, 2], 'h\x05.'))).code).toBe('pickle_stack'); // never memoized
    expect(err(() => load(pk([0x80, 2], 'N', [0xff]))).code).toBe('pickle_opcode');
    expect(err(() => load(pk([0x80, 2], 's.'))).code).toBe('pickle_stack');
    expect(err(() => load(pk([0x80, 2], [0x8a, 200], '.'))).code).toBe('pickle_limit');
    expect(err(() => load(pk([0x80, 2], 'NN.'))).code).toBe('pickle_stack');
  });

  it('validates tensor rebuild arguments against the storage', () => {
    const storage = new TorchStorage('float32', 4, new Uint8Array(16), '0');
    const ctx = torchContext({ where: 't.pkl', loadStorage: () => storage }, new Set());
    const tensorPickle = (shape: number[]): Uint8Array => pickle(new TorchTensor(storage, shape, shape.length === 1 ? [1] : [shape[1], 1])).bytes;
    const ok = unpickle(tensorPickle([2, 2]), ctx, 't.pkl') as TorchTensor;
    expect(ok.shape).toEqual([2, 2]);
    expect(err(() => unpickle(tensorPickle([5]), ctx, 't.pkl')).code).toBe('storage_size');
    expect(err(() => unpickle(tensorPickle([2 ** 16, 2 ** 16]), ctx, 't.pkl')).code).toBe('pickle_limit');
  });
});

