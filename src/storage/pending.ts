// Imports in progress. An import first writes a marker `ys:v1:pending:dataset:<id>`, then its images, then flips the
// dataset into the list and deletes the marker in one transaction. A page closed mid-import leaves the marker and
// some images behind; cleanupPending() at startup removes them.
//
// It must not remove an import another tab is still running. Where Web Locks exist, every import holds an exclusive
// lock named after its marker for its whole life, and the browser releases it when the tab dies: a marker whose lock
// can be taken is abandoned. Without Web Locks (insecure contexts) each write batch refreshes the marker's
// heartbeat and only markers silent for `staleMs` are removed. Either way a live import whose marker was removed
// notices at its commit (the marker is gone) and fails with 'import_interrupted' instead of listing half a dataset.
import { transact, req, type StudioDb } from './db';
import { datasetPrefix, manifestKey, pendingDatasetKey, prefixRange, PENDING_PREFIX } from './keys';

export interface PendingMarker {
  kind: 'dataset';
  id: string;
  name: string;
  startedAt: number;
  /** Refreshed with every committed write batch. */
  heartbeatAt: number;
}

export interface CleanupOptions {
  /** Without Web Locks: a marker whose heartbeat is older than this is abandoned (default 10 minutes). */
  staleMs?: number;
}

export interface CleanupResult {
  /** Ids of abandoned imports whose keys were removed. */
  removed: string[];
  /** Ids of imports still running (lock held, or heartbeat fresh). */
  live: string[];
}

export const DEFAULT_STALE_MS = 10 * 60_000;

/** Runs `fn` holding the exclusive lock `name` when Web Locks exist. */
export function withLock<T>(db: StudioDb, name: string, fn: () => Promise<T>): Promise<T> {
  return db.locks ? db.locks.request(name, {}, () => fn()) : fn();
}

/** Removes the keys of every abandoned import. Call once at startup (page or worker); safe with other tabs open. */
export async function cleanupPending(db: StudioDb, opts: CleanupOptions = {}): Promise<CleanupResult> {
  const staleMs = opts.staleMs ?? DEFAULT_STALE_MS;
  const markers = await transact(db, 'readonly', (store) => req(store.getAll(prefixRange(PENDING_PREFIX))));
  const result: CleanupResult = { removed: [], live: [] };
  for (const m of markers as PendingMarker[]) {
    if (m?.kind !== 'dataset' || typeof m.id !== 'string') continue; // not ours to interpret
    const key = pendingDatasetKey(m.id);
    const outcome = db.locks
      ? await db.locks.request(key, { ifAvailable: true }, async (lock) => (lock ? removeAbandoned(db, m.id, null) : 'live'))
      : await removeAbandoned(db, m.id, db.now() - staleMs);
    if (outcome !== 'gone') result[outcome].push(m.id);
  }
  return result;
}

/**
 * Deletes an abandoned import's keys and marker in one transaction. With `staleBefore`, re-checks the heartbeat
 * inside the transaction (it may have been refreshed since the scan). Never touches a committed dataset.
 */
async function removeAbandoned(db: StudioDb, id: string, staleBefore: number | null): Promise<'removed' | 'live' | 'gone'> {
  return transact(db, 'readwrite', async (store) => {
    const key = pendingDatasetKey(id);
    const marker = (await req(store.get(key))) as PendingMarker | undefined;
    if (!marker) return 'gone'; // committed or rolled back meanwhile
    if (staleBefore !== null && marker.heartbeatAt > staleBefore) return 'live';
    const committed = (await req(store.get(manifestKey(id)))) !== undefined;
    if (!committed) store.delete(prefixRange(datasetPrefix(id)));
    store.delete(key);
    return 'removed';
  });
}
