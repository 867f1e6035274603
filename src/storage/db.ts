// The storage handle: one idb-keyval store in its own database, plus the two things tests need to replace (the
// Web Locks manager and the clock). Multi-key changes go through `transact`, which runs a body inside ONE IndexedDB
// transaction: IndexedDB commits a transaction all-or-nothing, which is what makes flips and deletes atomic.
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';

export const DB_NAME = 'yolo-studio';
export const STORE_NAME = 'kv';

/** The part of the Web Locks API we use (navigator.locks); injectable so tests can model other tabs. */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export interface StudioDb {
  kv: UseStore;
  /** null where Web Locks do not exist (insecure contexts, Node): pending imports are then judged by heartbeat. */
  locks: LockManagerLike | null;
  now: () => number;
}

export interface OpenStudioDbOptions {
  /** Database name; the object store is always 'kv'. idb-keyval opens one store per database, so no one else may
   * call createStore() on this database name with another store name. */
  dbName?: string;
  /** A ready store (tests wrap one to inject failures). */
  kv?: UseStore;
  locks?: LockManagerLike | null;
  now?: () => number;
}

/** Opens (lazily, on first use) the studio's store. Cheap: call once per page or worker. */
export function openStudioDb(opts: OpenStudioDbOptions = {}): StudioDb {
  return {
    kv: opts.kv ?? createStore(opts.dbName ?? DB_NAME, STORE_NAME),
    locks: opts.locks !== undefined ? opts.locks : defaultLocks(),
    now: opts.now ?? Date.now,
  };
}

function defaultLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: unknown } }).navigator;
  return (nav?.locks as LockManagerLike | undefined) ?? null;
}

/** An IDBRequest as a promise. */
export function req<T>(request: IDBRequest<T>): Promise<T> {
  return promisifyRequest(request);
}

/**
 * Runs `body` in one transaction and resolves with its result once the transaction has COMMITTED. If the body throws
 * or a request fails, the transaction is aborted and nothing it wrote is kept. The body may await requests of this
 * transaction, but nothing else (awaiting anything outside IndexedDB lets the transaction auto-commit early).
 */
export function transact<T>(db: StudioDb, mode: IDBTransactionMode, body: (store: IDBObjectStore) => Promise<T> | T): Promise<T> {
  return db.kv(mode, async (store) => {
    const tx = store.transaction;
    const committed = promisifyRequest(tx);
    committed.catch(() => undefined); // awaited below, or abandoned when the body fails
    let result: T;
    try {
      result = await body(store);
    } catch (err) {
      abortQuietly(tx);
      throw err;
    }
    await committed;
    return result;
  });
}

function abortQuietly(tx: IDBTransaction): void {
  try {
    tx.abort();
  } catch {
    // already finished or already aborting (a failed request aborts its transaction by itself)
  }
}
