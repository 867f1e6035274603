/**
 * A pickle virtual machine (protocols 0-5 opcodes that torch/numpy pickles use) that executes no code:
 * GLOBAL/REDUCE/NEWOBJ/BUILD/BINPERSID are delegated to an UnpickleContext that only knows whitelisted
 * globals. Every length, count and depth read from the data is checked against PickleLimits.
 */
import { CheckpointError } from './errors';
import { PyGlobal, type PyValue, tuple } from './pyvalues';

export interface UnpickleContext {
  /** Resolve `module.name`; must throw (global_not_allowed) for anything outside the whitelist. */
  findGlobal(module: string, name: string): PyGlobal;
  /** REDUCE: callable(*args) */
  call(fn: PyValue, args: readonly PyValue[]): PyValue;
  /** NEWOBJ: cls.__new__(cls, *args) */
  newObj(cls: PyValue, args: readonly PyValue[]): PyValue;
  /** BUILD: obj.__setstate__(state) */
  build(obj: PyValue, state: PyValue): void;
  /** BINPERSID */
  persistentLoad(pid: PyValue): PyValue;
}

export interface PickleLimits {
  maxMemo: number; // number of memo entries
  maxMarkDepth: number; // nesting of MARKs (containers being built)
  maxStringBytes: number; // one str/bytes
  maxStack: number; // values on the stack
  maxLongBytes: number; // LONG1/LONG4 payload
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxMemo: 1 << 22,
  maxMarkDepth: 1000,
  maxStringBytes: 1 << 26,
  maxStack: 1 << 22,
  maxLongBytes: 64,
};

const utf8 = new TextDecoder('utf-8');

export function unpickle(
  data: Uint8Array,
  ctx: UnpickleContext,
  where: string,
  limits: PickleLimits = DEFAULT_PICKLE_LIMITS,
): PyValue {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();

  const fail = (code: 'pickle_opcode' | 'pickle_limit' | 'pickle_stack', msg: string): never => {
    throw new CheckpointError(code, `${where}: ${msg} (pickle byte ${pos})`);
  };
  const take = (n: number): number => {
    if (n < 0 || pos + n > data.length) fail('pickle_opcode', `needs ${n} bytes but only ${data.length - pos} remain (truncated pickle)`);
    const at = pos;
    pos += n;
    return at;
  };
  const push = (v: PyValue): void => {
    if (stack.length >= limits.maxStack) fail('pickle_limit', `stack exceeds ${limits.maxStack} values`);
    stack.push(v);
  };
  const pop = (): PyValue => {
    if (stack.length === 0) fail('pickle_stack', 'stack underflow');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('pickle_stack', 'stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const prev = marks.pop();
    if (!prev) fail('pickle_stack', 'no MARK on the stack');
    stack = prev as PyValue[];
    return items;
  };
  const strBytes = (n: number): Uint8Array => {
    if (n > limits.maxStringBytes) fail('pickle_limit', `string/bytes of ${n} bytes exceeds the limit ${limits.maxStringBytes}`);
    const at = take(n);
    return data.subarray(at, at + n);
  };
  const latin1 = (b: Uint8Array): string => {
    let s = '';
    for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
    return s;
  };
  const readLine = (): string => {
    const start = pos;
    while (pos < data.length && pos - start < 256 && data[pos] !== 0x0a) pos++;
    if (pos >= data.length || data[pos] !== 0x0a) fail('pickle_opcode', 'unterminated text line (over 256 bytes or truncated)');
    const s = latin1(data.subarray(start, pos));
    pos++;
    return s;
  };
  const memoPut = (i: number): void => {
    if (!memo.has(i) && memo.size >= limits.maxMemo) fail('pickle_limit', `memo exceeds ${limits.maxMemo} entries`);
    memo.set(i, top());
  };
  const memoGet = (i: number): void => {
    if (!memo.has(i)) fail('pickle_stack', `memo key ${i} was never stored`);
    push(memo.get(i) as PyValue);
  };
  const asInt = (lo: bigint): number | bigint => (lo >= BigInt(Number.MIN_SAFE_INTEGER) && lo <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(lo) : lo);
  const readLong = (n: number): number | bigint => {
    if (n > limits.maxLongBytes) fail('pickle_limit', `integer of ${n} bytes exceeds the limit ${limits.maxLongBytes}`);
    const at = take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[at + i]);
    if (data[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return asInt(v);
  };
  const setItems = (target: PyValue, kv: PyValue[]): void => {
    if (!(target instanceof Map)) fail('pickle_stack', 'SETITEM(S) on a value that is not a dict');
    if (kv.length % 2) fail('pickle_stack', 'SETITEMS with an odd number of items');
    for (let i = 0; i < kv.length; i += 2) (target as Map<PyValue, PyValue>).set(kv[i], kv[i + 1]);
  };
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(target) || Object.isFrozen(target)) fail('pickle_stack', 'APPEND(S) on a value that is not a list');
    (target as PyValue[]).push(...items);
  };

  for (;;) {
    const op = data[take(1)];
    switch (op) {
      case 0x80: { // PROTO
        const v = data[take(1)];
        if (v > 5) fail('pickle_opcode', `unsupported pickle protocol ${v}`);
        break;
      }
      case 0x95: take(8); break; // FRAME: a length hint we do not need
      case 0x2e: { // STOP
        const result = pop();
        if (stack.length || marks.length) fail('pickle_stack', 'values left on the stack at STOP');
        return result;
      }
      case 0x28: // MARK
        if (marks.length >= limits.maxMarkDepth) fail('pickle_limit', `nesting exceeds ${limits.maxMarkDepth} MARKs`);
        marks.push(stack);
        stack = [];
        break;
      case 0x4e: push(null); break; // NONE
      case 0x88: push(true); break; // NEWTRUE
      case 0x89: push(false); break; // NEWFALSE
      case 0x4a: push(dv.getInt32(take(4), true)); break; // BININT
      case 0x4b: push(data[take(1)]); break; // BININT1
      case 0x4d: push(dv.getUint16(take(2), true)); break; // BININT2
      case 0x8a: push(readLong(data[take(1)])); break; // LONG1
      case 0x8b: push(readLong(dv.getInt32(take(4), true))); break; // LONG4
      case 0x47: push(dv.getFloat64(take(8), false)); break; // BINFLOAT (big-endian)
      case 0x49: { // INT (text)
        const s = readLine();
        if (s === '01' || s === '00') push(s === '01');
        else if (/^-?\d+$/.test(s)) push(asInt(BigInt(s)));
        else fail('pickle_opcode', `bad INT literal ${JSON.stringify(s)}`);
        break;
      }
      case 0x46: { // FLOAT (text)
        const v = Number(readLine());
        if (Number.isNaN(v)) fail('pickle_opcode', 'bad FLOAT literal');
        push(v);
        break;
      }
      case 0x58: push(utf8.decode(strBytes(dv.getUint32(take(4), true)))); break; // BINUNICODE
      case 0x8c: push(utf8.decode(strBytes(data[take(1)]))); break; // SHORT_BINUNICODE
      case 0x8d: { // BINUNICODE8
        const at = take(8);
        const hi = dv.getUint32(at + 4, true);
        push(utf8.decode(strBytes(hi ? Infinity : dv.getUint32(at, true))));
        break;
      }
      // Python 2 str (numpy state of old files): decoded as latin-1 like torch.load(encoding='latin1').
      case 0x55: push(latin1(strBytes(data[take(1)]))); break; // SHORT_BINSTRING
      case 0x54: push(latin1(strBytes(dv.getInt32(take(4), true)))); break; // BINSTRING
      case 0x43: push(strBytes(data[take(1)]).slice()); break; // SHORT_BINBYTES
      case 0x42: push(strBytes(dv.getUint32(take(4), true)).slice()); break; // BINBYTES
      case 0x7d: push(new Map()); break; // EMPTY_DICT
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x29: push(tuple()); break; // EMPTY_TUPLE
      case 0x8f: push(new Set()); break; // EMPTY_SET
      case 0x85: { const a = pop(); push(tuple(a)); break; } // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); push(tuple(a, b)); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push(tuple(a, b, c)); break; } // TUPLE3
      case 0x74: { const items = popMark(); push(tuple(...items)); break; } // TUPLE
      case 0x6c: { const items = popMark(); push(items); break; } // LIST
      case 0x64: { // DICT
        const items = popMark();
        const m = new Map<PyValue, PyValue>();
        setItems(m, items);
        push(m);
        break;
      }
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(top(), items); break; } // SETITEMS
      case 0x61: { const v = pop(); appendItems(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendItems(top(), items); break; } // APPENDS
      case 0x90: { // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail('pickle_stack', 'ADDITEMS on a value that is not a set');
        for (const it of items) (s as Set<PyValue>).add(it);
        break;
      }
      case 0x71: memoPut(data[take(1)]); break; // BINPUT
      case 0x72: memoPut(dv.getUint32(take(4), true)); break; // LONG_BINPUT
      case 0x94: memoPut(memo.size); break; // MEMOIZE
      case 0x70: memoPut(Number(readLine())); break; // PUT (text)
      case 0x68: memoGet(data[take(1)]); break; // BINGET
      case 0x6a: memoGet(dv.getUint32(take(4), true)); break; // LONG_BINGET
      case 0x67: memoGet(Number(readLine())); break; // GET (text)
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x63: { // GLOBAL
        const module = readLine();
        const name = readLine();
        push(ctx.findGlobal(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('pickle_stack', 'STACK_GLOBAL operands are not strings');
        push(ctx.findGlobal(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        if (!Array.isArray(args)) fail('pickle_stack', 'REDUCE arguments are not a tuple');
        push(ctx.call(fn, args as PyValue[]));
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail('pickle_stack', 'NEWOBJ arguments are not a tuple');
        push(ctx.newObj(cls, args as PyValue[]));
        break;
      }
      case 0x62: { const state = pop(); ctx.build(top(), state); break; } // BUILD
      case 0x51: push(ctx.persistentLoad(pop())); break; // BINPERSID
      default:
        pos--;
        fail('pickle_opcode', `unsupported opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
  }
}
