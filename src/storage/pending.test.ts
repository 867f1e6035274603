// Crash recovery: a page closed mid-import leaves its pending keys; cleanupPending() removes them at the next
// startup, but never an import another tab is still running.
import { describe, expect, it } from 'vitest';
import { cleanupPending } from './pending';
import { importDataset } from './importDataset';
import { listDatasets } from './datasets';
import { datasetPrefix, pendingDatasetKey } from './keys';
import { FakeLocks, freshDb, gate, items, keysWithPrefix, snapshot } from './testing';
import type { StudioDb } from './db';

/**
 * Starts an import that writes `n` images, then hangs (the "tab" freezes). Returns the import's promise (it settles
 * only after release()) once those images are durably written.
 */
async function hangingImport(db: StudioDb, id: string, n: number): Promise<{ done: Promise<unknown>; release: () => void }> {
  const hold = gate();
  const written = gate();
  const source = items(n + 10, async (i) => {
    if (i === n) {
      written.open();
      await hold.promise;
    }
  });
  const done = importDataset(db, source, { id, name: `import ${id}`, names: ['a'] }, { batchItems: 8 }).then(
    (m) => m,
    (e: unknown) => e,
  );
  await written.promise;
  return { done, release: hold.open };
}

describe('cleanupPending', () => {
  it('with Web Locks: skips a live import, removes it once its tab is gone; the import then fails cleanly', async () => {
    const locks = new FakeLocks();
    const { db, reopen } = freshDb({ locks });
    await importDataset(db, items(12), { id: 'keep', name: 'keep', names: ['a'] });
    const before = await snapshot(db);

    const tab1 = await hangingImport(db, 'crashy', 24);
    expect(await keysWithPrefix(db, datasetPrefix('crashy'))).toHaveLength(24);
    expect(await keysWithPrefix(db, pendingDatasetKey('crashy'))).toHaveLength(1);

    const tab2 = reopen({ locks });
    expect(await cleanupPending(tab2)).toEqual({ removed: [], live: ['crashy'] });
    expect(await keysWithPrefix(db, datasetPrefix('crashy'))).toHaveLength(24);

    locks.crash(); // tab 1 died: the browser released its locks
    expect(await cleanupPending(tab2)).toEqual({ removed: ['crashy'], live: [] });
    expect(await snapshot(tab2)).toEqual(before);

    // Had tab 1 been merely frozen, it must not list half a dataset when it wakes up.
    tab1.release();
    expect(await tab1.done).toMatchObject({ name: 'StorageError', code: 'import_interrupted' });
    expect(await snapshot(tab2)).toEqual(before);
    expect((await listDatasets(tab2)).map((d) => d.id)).toEqual(['keep']);
  });

  it('without Web Locks: removes only imports whose heartbeat is older than staleMs', async () => {
    let now = 1_000_000;
    const { db, reopen } = freshDb({ locks: null, now: () => now });
    const before = await snapshot(db);
    const tab1 = await hangingImport(db, 'slow', 16);

    now += 60_000;
    const tab2 = reopen({ locks: null, now: () => now });
    expect(await cleanupPending(tab2, { staleMs: 120_000 })).toEqual({ removed: [], live: ['slow'] });
    expect(await keysWithPrefix(db, datasetPrefix('slow'))).toHaveLength(16);

    now += 120_000;
    expect(await cleanupPending(tab2, { staleMs: 120_000 })).toEqual({ removed: ['slow'], live: [] });
    expect(await snapshot(tab2)).toEqual(before);

    tab1.release();
    expect(await tab1.done).toMatchObject({ code: 'import_interrupted' });
    expect(await snapshot(tab2)).toEqual(before);
  });

  it('leaves committed datasets and a clean store alone', async () => {
    const { db } = freshDb({ locks: new FakeLocks() });
    expect(await cleanupPending(db)).toEqual({ removed: [], live: [] });
    await importDataset(db, items(5), { id: 'a', name: 'a', names: [] });
    const before = await snapshot(db);
    expect(await cleanupPending(db, { staleMs: 0 })).toEqual({ removed: [], live: [] });
    expect(await snapshot(db)).toEqual(before);
  });
});
