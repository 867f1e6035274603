/**
 * Pickle protocol 2 writer for the PyValue model, producing what torch.save (torch 1.13) writes:
 * tensors as torch._utils._rebuild_tensor_v2 / _rebuild_parameter reductions with persistent storage
 * ids, OrderedDict / set / module objects the way CPython's pickler reduces them, bytes via _codecs.encode.
 */
import { CheckpointError } from './errors';
import {
  NdArray,
  NpDType,
  OrderedDict,
  PyFloat,
  PyGlobal,
  PyObject,
  type PyValue,
  STORAGE_CLASS,
  TorchStorage,
  TorchTensor,
} from './pyvalues';

export interface PickleResult {
  bytes: Uint8Array;
  /** storages in key order: storages[i] is zip record "data/<i>" */
  storages: TorchStorage[];
}

const BATCH = 1000; // CPython's pickler batch size for APPENDS/SETITEMS
const MAX_DEPTH = 200;

class Writer {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private readonly memo = new Map<unknown, number>();
  private readonly storageKeys = new Map<TorchStorage, number>();
  readonly storages: TorchStorage[] = [];
  private readonly enc = new TextEncoder();
  private depth = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  u16(v: number): void {
    this.byte(v & 0xff);
    this.byte((v >>> 8) & 0xff);
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.len, v >>> 0, true);
    this.len += 4;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private put(key: unknown): void {
    const i = this.memo.size;
    this.memo.set(key, i);
    if (i < 256) {
      this.byte(0x71); // BINPUT
      this.byte(i);
    } else {
      this.byte(0x72); // LONG_BINPUT
      this.u32(i);
    }
  }
  private get(key: unknown): boolean {
    const i = this.memo.get(key);
    if (i === undefined) return false;
    if (i < 256) {
      this.byte(0x68); // BINGET
      this.byte(i);
    } else {
      this.byte(0x6a); // LONG_BINGET
      this.u32(i);
    }
    return true;
  }

  global(module: string, name: string): void {
    const key = `\0global ${module} ${name}`;
    if (this.get(key)) return;
    this.byte(0x63); // GLOBAL
    this.bytes(this.enc.encode(`${module}\n${name}\n`));
    this.put(key);
  }

  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) {
      this.byte(0x4b); // BININT1
      this.byte(v);
    } else if (typeof v === 'number' && v >= 0 && v < 65536) {
      this.byte(0x4d); // BININT2
      this.u16(v);
    } else if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) {
      this.byte(0x4a); // BININT
      this.u32(v);
    } else {
      // LONG1: little-endian two's complement, minimal length
      let b = BigInt(v);
      const out: number[] = [];
      for (;;) {
        out.push(Number(b & 0xffn));
        b >>= 8n;
        const last = out[out.length - 1];
        if ((b === 0n && !(last & 0x80)) || (b === -1n && last & 0x80)) break;
      }
      this.byte(0x8a);
      this.byte(out.length);
      for (const x of out) this.byte(x);
    }
  }
  float(v: number): void {
    this.byte(0x47); // BINFLOAT, big-endian
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.len, v, false);
    this.len += 8;
  }
  str(s: string): void {
    if (this.get(s)) return;
    const b = this.enc.encode(s);
    this.byte(0x58); // BINUNICODE
    this.u32(b.length);
    this.bytes(b);
    this.put(s);
  }
  /** Pickles `items` as a tuple (TUPLE1-3 or MARK ... TUPLE). Not memoized: tuples of fresh values. */
  tupleOf(items: readonly PyValue[]): void {
    if (items.length === 0) return this.byte(0x29); // EMPTY_TUPLE
    if (items.length > 3) this.byte(0x28); // MARK
    for (const it of items) this.save(it);
    this.byte(items.length <= 3 ? [0, 0x85, 0x86, 0x87][items.length] : 0x74);
  }
  private dictItems(entries: Iterable<[PyValue, PyValue]>): void {
    let batch: [PyValue, PyValue][] = [];
    const flush = (): void => {
      if (batch.length === 1) {
        this.save(batch[0][0]);
        this.save(batch[0][1]);
        this.byte(0x73); // SETITEM
      } else if (batch.length > 1) {
        this.byte(0x28);
        for (const [k, v] of batch) {
          this.save(k);
          this.save(v);
        }
        this.byte(0x75); // SETITEMS
      }
      batch = [];
    };
    for (const kv of entries) {
      batch.push(kv);
      if (batch.length === BATCH) flush();
    }
    flush();
  }

  save(v: PyValue): void {
    if (++this.depth > MAX_DEPTH) throw new CheckpointError('write_limit', `value nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
    try {
      this.saveInner(v);
    } finally {
      this.depth--;
    }
  }

  private saveInner(v: PyValue): void {
    if (v === null) return this.byte(0x4e);
    if (v === true) return this.byte(0x88);
    if (v === false) return this.byte(0x89);
    if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? this.int(v) : this.float(v);
    if (typeof v === 'bigint') return this.int(v);
    if (typeof v === 'string') return this.str(v);
    if (v instanceof PyFloat) return this.float(v.value);
    if (this.get(v)) return;
    if (v instanceof Uint8Array) {
      // protocol 2 has no bytes opcode: CPython writes _codecs.encode('<latin-1 text>', 'latin1')
      this.global('_codecs', 'encode');
      let s = '';
      for (let i = 0; i < v.length; i += 8192) s += String.fromCharCode(...v.subarray(i, i + 8192));
      this.tupleOf([s, 'latin1']);
      this.byte(0x52); // REDUCE
    } else if (Array.isArray(v)) {
      if (Object.isFrozen(v)) this.tupleOf(v);
      else {
        this.byte(0x5d); // EMPTY_LIST
        this.put(v);
        for (let i = 0; i < v.length; i += BATCH) {
          const chunk = v.slice(i, i + BATCH);
          if (chunk.length === 1) {
            this.save(chunk[0]);
            this.byte(0x61); // APPEND
          } else {
            this.byte(0x28);
            for (const it of chunk) this.save(it);
            this.byte(0x65); // APPENDS
          }
        }
        return;
      }
    } else if (v instanceof OrderedDict) {
      this.global('collections', 'OrderedDict');
      this.byte(0x29);
      this.byte(0x52);
      this.put(v);
      this.dictItems(v.entries());
      if (v.attrs) {
        this.save(v.attrs);
        this.byte(0x62); // BUILD
      }
      return;
    } else if (v instanceof Map) {
      this.byte(0x7d); // EMPTY_DICT
      this.put(v);
      this.dictItems(v.entries());
      return;
    } else if (v instanceof Set) {
      this.global('__builtin__', 'set');
      this.tupleOf([[...v]]);
      this.byte(0x52);
    } else if (v instanceof PyObject) {
      const dot = v.__class__.lastIndexOf('.');
      this.global(v.__class__.slice(0, dot), v.__class__.slice(dot + 1));
      this.tupleOf(v.__args__);
      this.byte(0x81); // NEWOBJ
      this.put(v);
      if (v.__dict__.size || v.__state__ !== null) {
        this.save(v.__dict__.size ? (v.__dict__ as Map<PyValue, PyValue>) : v.__state__);
        this.byte(0x62);
      }
      return;
    } else if (v instanceof PyGlobal) {
      return this.global(v.module, v.name);
    } else if (v instanceof TorchTensor) {
      this.tensor(v);
    } else if (v instanceof NdArray) {
      this.global('numpy.core.multiarray', '_reconstruct');
      this.tupleOf([new PyGlobal('numpy', 'ndarray'), Object.freeze([0]), new Uint8Array([0x62])]);
      this.byte(0x52);
      this.put(v);
      this.tupleOf([1, Object.freeze([...v.shape]), v.dtype, v.fortran, v.bytes]);
      this.byte(0x62);
      return;
    } else if (v instanceof NpDType) {
      this.global('numpy', 'dtype');
      this.tupleOf([v.str, false, true]);
      this.byte(0x52);
      this.put(v);
      this.tupleOf([3, v.byteorder, null, null, null, -1, -1, 0]);
      this.byte(0x62);
      return;
    } else if (v instanceof TorchStorage) {
      throw new CheckpointError('write_limit', 'a bare storage cannot be pickled; wrap it in a TorchTensor');
    } else {
      throw new CheckpointError('write_limit', `cannot pickle a value of type ${Object.prototype.toString.call(v)}`);
    }
    this.put(v);
  }

  private tensor(t: TorchTensor): void {
    if (t.isParameter) {
      this.global('torch._utils', '_rebuild_parameter');
      this.byte(0x28);
      this.rebuildTensorV2(t);
      this.save(t.requiresGrad);
      this.save(new OrderedDict());
      this.byte(0x74);
      this.byte(0x52);
    } else this.rebuildTensorV2(t);
  }

  private rebuildTensorV2(t: TorchTensor): void {
    this.global('torch._utils', '_rebuild_tensor_v2');
    this.byte(0x28);
    // persistent id ('storage', torch.<T>Storage, key, 'cpu', numel)
    let key = this.storageKeys.get(t.storage);
    if (key === undefined) {
      key = this.storages.length;
      this.storageKeys.set(t.storage, key);
      this.storages.push(t.storage);
    }
    this.byte(0x28);
    this.save('storage');
    this.global('torch', STORAGE_CLASS[t.dtype]);
    this.save(String(key));
    this.save('cpu');
    this.save(t.storage.numel);
    this.byte(0x74);
    this.byte(0x51); // BINPERSID
    this.save(t.offset);
    this.tupleOf(t.shape);
    this.tupleOf(t.stride);
    this.save(t.isParameter ? false : t.requiresGrad);
    this.save(new OrderedDict());
    this.byte(0x74);
    this.byte(0x52);
  }
}

export function pickle(value: PyValue): PickleResult {
  const w = new Writer();
  w.byte(0x80); // PROTO 2
  w.byte(2);
  w.save(value);
  w.byte(0x2e); // STOP
  return { bytes: w.result(), storages: w.storages };
}
