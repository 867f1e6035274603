// Staged imports on fake-indexeddb: files are written as they arrive and read back on demand, the dataset references
// them (no second write), unused ones go at the commit, and every failure or crash leaves the store as it was.
import { describe, expect, it } from 'vitest';
import { getManifest, listDatasets, readImage } from './datasets';
import type { StudioDb } from './db';
import { StorageError, StorageQuotaError } from './errors';
import { importDataset } from './importDataset';
import { datasetPrefix, PENDING_PREFIX } from './keys';
import { cleanupPending } from './pending';
import { importStaged, type ImportStaging, type StagedPlan } from './staging';
import { FakeLocks, fakeItem, freshDb, gate, items, keysWithPrefix, nthPut, quotaStore, recordingStore, snapshot } from './testing';
import type { ImportItem, StagedFile } from './types';

/** File i of a staged "zip": an image (bytes from fakeItem, `size` long), every third one a label text. */
function file(i: number, size = 100): { path: string; bytes: Uint8Array } {
  return i % 3 === 2
    ? { path: `labels/l_${i}.txt`, bytes: new TextEncoder().encode(`0 0.5 0.5 0.1 0.${i}\n`) }
    : { path: `images/img_${i}.jpg`, bytes: fakeItem(i, size).bytes as Uint8Array };
}

/** Stages `n` files, reads every one back (as verification would) and plans the images, dropping every 5th one. */
function planOf(n: number, size = 100, hooks: { afterPut?: (i: number, s: ImportStaging) => Promise<void> | void } = {}) {
  const read: Record<string, number[]> = {};
  const plan = async (staging: ImportStaging): Promise<StagedPlan> => {
    const staged: StagedFile[] = [];
    for (let i = 0; i < n; i++) {
      const f = file(i, size);
      staged.push(await staging.put(f.path, f.bytes));
      await hooks.afterPut?.(i, staging);
    }
    for (const f of staged) read[f.path] = Array.from(await staging.read(f));
    const kept = staged.filter((f, i) => f.path.endsWith('.jpg') && i % 5 !== 4);
    const source: ImportItem[] = kept.map((f, k) => ({ split: k % 4 === 3 ? 'val' : 'train', path: f.path, bytes: f, width: 8, height: 6, labels: [0, 0.5, 0.5, 0.25, 0.25] }));
    return { source, meta: { name: ' zipped ', names: ['a'] } };
  };
  return { plan, read };
}

async function withExisting(db: StudioDb): Promise<[string, unknown][]> {
  await importDataset(db, items(12), { id: 'old', name: 'existing', names: ['a', 'b', 'c', 'd'] });
  return snapshot(db);
}

const stagingKeys = async (db: StudioDb): Promise<string[]> =>
  (await snapshot(db)).map(([k]) => k).filter((k) => k.startsWith(PENDING_PREFIX) || (k.startsWith('ys:v1:dataset:') && !k.startsWith(datasetPrefix('old'))));

describe('importStaged', () => {
  it('reads staged files back exactly, stores the kept ones by reference, deletes the rest at the commit', async () => {
    const { db, reopen } = freshDb();
    const puts: [string, number][] = [];
    const rec = reopen({ kv: recordingStore(db.kv, (p) => puts.push(...p)) });
    const { plan, read } = planOf(30);
    const m = await importStaged(rec, 'my.zip', plan, { stageBatchItems: 4 });
    for (let i = 0; i < 30; i++) expect(read[file(i).path]).toEqual(Array.from(file(i).bytes));

    expect(m.name).toBe('zipped');
    const refs = [...m.splits.train, ...m.splits.val];
    expect(refs.length).toBe(16); // 20 images, every 5th file dropped
    for (const ref of refs) {
      const i = Number(/img_(\d+)/.exec(ref.path)![1]);
      expect(Array.from(new Uint8Array(await (await readImage(db, m.id, ref.key)).arrayBuffer()))).toEqual(Array.from(file(i).bytes));
      expect(ref.type).toBe('image/jpeg');
    }
    // Each file was written once, when staged; the import itself wrote no image again.
    const imagePuts = puts.filter(([k]) => k.includes(':image:')).map(([k]) => k);
    expect(imagePuts.length).toBe(30);
    expect(new Set(imagePuts).size).toBe(30);
    // After the commit: the manifest and exactly the referenced images, no marker, no unused staged file.
    const keys = await keysWithPrefix(db, datasetPrefix(m.id));
    expect(keys.sort()).toEqual([`${datasetPrefix(m.id)}manifest`, ...refs.map((r) => `${datasetPrefix(m.id)}image:${r.key}`)].sort());
    expect(await keysWithPrefix(db, PENDING_PREFIX)).toEqual([]);
    expect((await listDatasets(db))[0]).toMatchObject({ name: 'zipped', images: { train: 12, val: 4, test: 0 }, bytes: 16 * 100 });
    expect(await getManifest(db, m.id)).toEqual(m);
  });

  it('holds at most one write batch in memory: one file at a time with a zero byte budget', async () => {
    const { db } = freshDb();
    const sizes = Array.from({ length: 12 }, (_, i) => 1000 + 500 * i);
    let heldAtPut = 0;
    const run = async (opts: { stageBatchBytes?: number }) => {
      let staging!: ImportStaging;
      await importStaged(db, 'z', async (s) => {
        staging = s;
        const files = [];
        for (const [i, size] of sizes.entries()) {
          files.push(await s.put(`images/${i}.jpg`, new Uint8Array(size)));
          heldAtPut = Math.max(heldAtPut, s.held);
        }
        return { source: files.map((f) => ({ split: 'train' as const, path: f.path, bytes: f, width: 1, height: 1, labels: [] })), meta: { name: 'z', names: [] } };
      }, opts);
      return staging;
    };
    const one = await run({ stageBatchBytes: 0 });
    expect(one.peakHeld).toBe(Math.max(...sizes)); // only the file being written
    expect(heldAtPut).toBe(0); // each put() returned once its file was durable
    const batched = await run({ stageBatchBytes: 8000 });
    expect(batched.peakHeld).toBeLessThan(8000 + Math.max(...sizes));
    expect(batched.peakHeld).toBeGreaterThan(Math.max(...sizes)); // it did batch
    expect(batched.held).toBe(0);
  });

  it('a plan that fails halfway leaves the previous state byte-identical and no staged file behind', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    const boom = new Error('corrupt entry images/img_20.jpg');
    let stagedBeforeFailure = 0;
    const { plan } = planOf(40, 100, {
      afterPut: async (i) => {
        if (i === 20) {
          stagedBeforeFailure = (await stagingKeys(db)).length;
          throw boom;
        }
      },
    });
    await expect(importStaged(db, 'bad.zip', plan, { stageBatchItems: 4 })).rejects.toBe(boom);
    expect(stagedBeforeFailure).toBe(1 + 20); // the marker and 20 staged files were really written
    expect(await snapshot(db)).toEqual(before);
  });

  it('a failure in the final import (a bad item) rolls the staged files back too', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    const err = await importStaged(db, 'x.zip', async (s) => {
      const f = await s.put('images/a.jpg', new Uint8Array(10));
      return { source: [{ split: 'train', path: f.path, bytes: f, width: 0, height: 1, labels: [] }], meta: { name: 'x', names: [] } };
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'StorageError', code: 'bad_item' });
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses a staged file of another import', async () => {
    const { db } = freshDb();
    const foreign: StagedFile = { stagedKey: 's0', path: 'images/a.jpg', size: 10, type: 'image/jpeg' };
    const err = await importStaged(db, 'x.zip', async (s) => {
      await s.put('images/a.jpg', new Uint8Array(10));
      return { source: [{ split: 'train', path: 'images/a.jpg', bytes: foreign, width: 1, height: 1, labels: [] }], meta: { name: 'x', names: [] } };
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad_item' });
    expect((err as Error).message).toContain('not staged by this import');
    expect(await snapshot(db)).toEqual([]);
  });

  it('quota exceeded while staging -> StorageQuotaError naming the unpacking, and a clean roll-back', async () => {
    const { db, reopen } = freshDb();
    const before = await withExisting(db);
    const full = reopen({ kv: quotaStore(db.kv, nthPut(/:image:s/, 9)) });
    const err = await importStaged(full, 'huge.zip', planOf(30).plan, { stageBatchItems: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as Error).message).toContain('"huge.zip" did not fit after unpacking 8 files');
    expect(await snapshot(db)).toEqual(before);
  });

  it('cancel during verification reads: import_aborted and nothing kept', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    const ac = new AbortController();
    const err = await importStaged(db, 'c.zip', async (s) => {
      const f = await s.put('images/a.jpg', new Uint8Array(10));
      ac.abort();
      await s.read(f);
      throw new Error('unreachable');
    }, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('import_aborted');
    expect(await snapshot(db)).toEqual(before);
  });

  it('a tab that dies mid-unpacking: cleanupPending removes its staged files; woken up, it fails cleanly', async () => {
    const locks = new FakeLocks();
    const { db, reopen } = freshDb({ locks });
    const before = await withExisting(db);
    const hold = gate();
    const staged = gate();
    const { plan } = planOf(30, 100, {
      afterPut: async (i, s) => {
        if (i === 10) {
          await s.flush();
          staged.open();
          await hold.promise;
        }
      },
    });
    const done = importStaged(db, 'crash.zip', plan).catch((e: unknown) => e);
    await staged.promise;
    expect((await stagingKeys(db)).length).toBe(1 + 11);

    const tab2 = reopen({ locks });
    expect((await cleanupPending(tab2)).live.length).toBe(1);
    locks.crash();
    expect((await cleanupPending(tab2)).removed.length).toBe(1);
    expect(await snapshot(tab2)).toEqual(before);

    hold.open();
    expect(await done).toMatchObject({ name: 'StorageError', code: 'import_interrupted' });
    expect(await snapshot(tab2)).toEqual(before);
  });

  it('without Web Locks, long verification reads keep the marker fresh', async () => {
    let now = 1_000_000;
    const { db, reopen } = freshDb({ locks: null, now: () => now });
    const m = await importStaged(db, 'slow.zip', async (s) => {
      const files = [await s.put('images/a.jpg', new Uint8Array(4)), await s.put('images/b.jpg', new Uint8Array(4))];
      await s.flush();
      for (const f of files) {
        now += 6 * 60_000; // verification is slow: 12 minutes in all, over the default 10 without a write
        await s.read(f);
        const tab2 = reopen({ locks: null, now: () => now });
        expect(await cleanupPending(tab2)).toEqual({ removed: [], live: [expect.any(String)] });
      }
      return { source: files.map((f) => ({ split: 'train' as const, path: f.path, bytes: f, width: 1, height: 1, labels: [] })), meta: { name: 's', names: [] } };
    });
    expect((await listDatasets(db)).map((d) => d.id)).toEqual([m.id]);
  });
});
