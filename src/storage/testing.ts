// Test helpers (Node + fake-indexeddb only; imported by *.test.ts, never by the app): a fresh database per test,
// a byte-exact snapshot of the whole store, a store that fails like a full disk, a model of Web Locks across tabs.
import { IDBFactory } from 'fake-indexeddb';
import 'fake-indexeddb/auto';
import { entries, type UseStore } from 'idb-keyval';
import { openStudioDb, type LockManagerLike, type OpenStudioDbOptions, type StudioDb } from './db';
import type { ImportItem } from './types';

let dbCounter = 0;

/** A new, empty IndexedDB (a fresh factory) and a handle on it. Later handles with the same name see the same data. */
export function freshDb(opts: OpenStudioDbOptions = {}): { db: StudioDb; reopen: (o?: OpenStudioDbOptions) => StudioDb } {
  (globalThis as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
  const dbName = `yolo-studio-test-${++dbCounter}`;
  const reopen = (o: OpenStudioDbOptions = {}): StudioDb => openStudioDb({ locks: null, ...opts, ...o, dbName });
  return { db: reopen(), reopen };
}

/** Every key and value, Blobs as their type and bytes, sorted by key: equal snapshots mean byte-identical stores. */
export async function snapshot(db: StudioDb): Promise<[string, unknown][]> {
  const all = await entries<string, unknown>(db.kv);
  const out = await Promise.all(
    all.map(async ([k, v]): Promise<[string, unknown]> => [
      k,
      v instanceof Blob ? { blob: v.type, bytes: Array.from(new Uint8Array(await v.arrayBuffer())) } : v,
    ]),
  );
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export async function keysWithPrefix(db: StudioDb, prefix: string): Promise<string[]> {
  return (await snapshot(db)).map(([k]) => k).filter((k) => k.startsWith(prefix));
}

/**
 * A store whose put() fails the way a full disk does in a browser: the transaction aborts and the operation rejects
 * with DOMException 'QuotaExceededError'. `failOn(key)` is asked for every put; true makes that put fail.
 */
export function quotaStore(inner: UseStore, failOn: (key: IDBValidKey) => boolean): UseStore {
  return (mode, callback) =>
    inner(mode, (store) => {
      let failed = false;
      const proxy = new Proxy(store, {
        get(target, prop) {
          if (prop === 'put') {
            return (value: unknown, key: IDBValidKey) => {
              if (!failed && failOn(key)) {
                failed = true;
                target.transaction.abort();
              }
              return target.put(value, key); // throws TransactionInactiveError once aborted
            };
          }
          const v: unknown = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const quota = (): DOMException => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return new Promise<ReturnType<typeof callback>>((resolve) => resolve(callback(proxy))).then(
        (r) => {
          if (failed) throw quota();
          return r;
        },
        (e: unknown) => {
          throw failed ? quota() : e;
        },
      ) as never;
    });
}

/**
 * A store that reports, after each transaction has committed, the keys and byte sizes (Blobs; 0 for other values)
 * it put: what is durably written, as it happens.
 */
export function recordingStore(inner: UseStore, onCommit: (puts: [string, number][]) => void): UseStore {
  return (mode, callback) => {
    const puts: [string, number][] = [];
    return inner(mode, (store) => {
      const proxy = new Proxy(store, {
        get(target, prop) {
          if (prop === 'put') {
            return (value: unknown, key: IDBValidKey) => {
              puts.push([String(key), value instanceof Blob ? value.size : 0]);
              return target.put(value, key);
            };
          }
          const v: unknown = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      return callback(proxy);
    }).then((r) => {
      if (puts.length) onCommit(puts);
      return r;
    });
  };
}

/** Fails the n-th (0-based) put of a key matching `pattern`. */
export function nthPut(pattern: RegExp, n: number): (key: IDBValidKey) => boolean {
  let seen = 0;
  return (key) => typeof key === 'string' && pattern.test(key) && seen++ === n;
}

/**
 * Web Locks shared by the "tabs" of a test. crash() models a tab dying: the browser releases its locks while (in the
 * test) its code is still suspended.
 */
export class FakeLocks implements LockManagerLike {
  readonly held = new Set<string>();

  async request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      throw new Error(`FakeLocks: ${name} is held and waiting is not modelled`);
    }
    this.held.add(name);
    try {
      return await callback({ name });
    } finally {
      this.held.delete(name);
    }
  }

  crash(): void {
    this.held.clear();
  }
}

/** A deterministic small "image": bytes derived from i, so a wrong or swapped image is caught. */
export function fakeItem(i: number, size = 64, split: ImportItem['split'] = i % 5 === 4 ? 'val' : 'train'): ImportItem {
  const bytes = new Uint8Array(size);
  for (let j = 0; j < size; j++) bytes[j] = (i * 31 + j * 7) & 255;
  return {
    split,
    path: `images/${split}/img_${i}.jpg`,
    bytes,
    width: 32 + (i % 7),
    height: 24 + (i % 5),
    labels: i % 3 === 0 ? [] : Float32Array.from([i % 4, 0.1 + i * 1e-4, 0.2, 0.3, 0.4]),
  };
}

/** A source of `count` items that runs `before(i)` (awaited) before yielding item i. */
export async function* items(count: number, before?: (i: number) => Promise<void> | void): AsyncGenerator<ImportItem> {
  for (let i = 0; i < count; i++) {
    await before?.(i);
    yield fakeItem(i);
  }
}

/** A promise plus its resolve function (to hold a source mid-import). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
