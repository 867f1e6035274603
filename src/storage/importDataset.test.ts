// Dataset import on fake-indexeddb: round trip, atomicity (source error, abort, quota, bad item), laziness.
import { describe, expect, it } from 'vitest';
import { StorageError, StorageQuotaError } from './errors';
import { importDataset } from './importDataset';
import { getManifest, listDatasets, readImage } from './datasets';
import { datasetPrefix, DATASETS_INDEX } from './keys';
import { fakeItem, freshDb, gate, items, keysWithPrefix, nthPut, quotaStore, snapshot } from './testing';
import { imageLabels, type ImportItem } from './types';
import type { StudioDb } from './db';

async function bytesOf(blob: Blob): Promise<number[]> {
  return Array.from(new Uint8Array(await blob.arrayBuffer()));
}

/** A dataset stored before each failure test, so "untouched" has something to be compared against. */
async function withExisting(db: StudioDb): Promise<[string, unknown][]> {
  await importDataset(db, items(40), { id: 'old', name: 'existing', names: ['a', 'b', 'c', 'd'], report: { ok: 1 } });
  return snapshot(db);
}

describe('importDataset', () => {
  it('stores images and labels, lists the dataset, and a new handle reads the same', async () => {
    const { db, reopen } = freshDb();
    const progress: number[] = [];
    const manifest = await importDataset(
      db,
      items(70),
      { id: 'ds1', name: '  coco-ish ', names: ['a', 'b', 'c', 'd'], complete: () => ({ report: { images: 70 }, stats: { perClass: [1, 2] } }) },
      { onProgress: (p) => progress.push(p.images), batchItems: 16 },
    );
    expect(manifest.name).toBe('coco-ish');
    expect(manifest.splits.train.length + manifest.splits.val.length).toBe(70);
    expect(manifest.splits.val.length).toBe(14);
    expect(manifest.splits.test).toBeUndefined();
    expect(manifest.report).toEqual({ images: 70 });
    expect(progress).toEqual([16, 32, 48, 64, 70, 70, 70]); // 5 write batches, committing, done

    const db2 = reopen();
    expect(await listDatasets(db2)).toEqual([
      { id: 'ds1', name: 'coco-ish', createdAt: manifest.createdAt, nc: 4, images: { train: 56, val: 14, test: 0 }, bytes: 70 * 64 },
    ]);
    const stored = await getManifest(db2, 'ds1');
    expect(stored).toEqual(manifest);
    const all = [...stored.splits.train, ...stored.splits.val];
    for (const ref of all) {
      const i = Number(/img_(\d+)/.exec(ref.path)![1]);
      const src = fakeItem(i);
      const blob = await readImage(db2, 'ds1', ref.key);
      expect(blob.type).toBe('image/jpeg');
      expect(await bytesOf(blob)).toEqual(Array.from(src.bytes as Uint8Array));
      expect([ref.width, ref.height]).toEqual([src.width, src.height]);
      expect(imageLabels(ref)).toEqual(Float32Array.from(src.labels));
    }
    await expect(readImage(db2, 'ds1', '999')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stores Blob inputs as they are and keeps a test split', async () => {
    const { db } = freshDb();
    const blob = new Blob([new Uint8Array([9, 8, 7])], { type: 'image/png' });
    const src: ImportItem[] = [
      { split: 'train', path: 'a.png', bytes: blob, width: 10, height: 10, labels: [] },
      { split: 'test', path: 'b.webp', bytes: new Uint8Array([1]), width: 12, height: 10, labels: [0, 0.5, 0.5, 0.1, 0.1] },
    ];
    const m = await importDataset(db, src, { id: 'd2', name: 'blobs', names: ['x'] });
    expect(m.splits.test?.map((r) => r.type)).toEqual(['image/webp']);
    expect(await bytesOf(await readImage(db, 'd2', m.splits.train[0].key))).toEqual([9, 8, 7]);
    expect((await listDatasets(db))[0].images).toEqual({ train: 1, val: 0, test: 1 });
  });

  it('a source that throws halfway leaves the previous state byte-identical', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    const boom = new Error('corrupt zip entry images/train/img_50.jpg');
    let seenPartial = 0;
    const source = items(100, async (i) => {
      if (i === 50) {
        seenPartial = (await keysWithPrefix(db, datasetPrefix('new'))).length; // the failure really is mid-write
        throw boom;
      }
    });
    await expect(importDataset(db, source, { id: 'new', name: 'broken', names: ['a'] }, { batchItems: 8 })).rejects.toBe(boom);
    expect(seenPartial).toBe(48);
    expect(await snapshot(db)).toEqual(before);
  });

  it('abort mid-import rolls back and reports import_aborted', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    const ac = new AbortController();
    const source = items(100, (i) => {
      if (i === 30) ac.abort();
    });
    const err = await importDataset(db, source, { id: 'new', name: 'cancelled', names: ['a'] }, { signal: ac.signal, batchItems: 8 }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err.code).toBe('import_aborted');
    expect(await snapshot(db)).toEqual(before);
  });

  it('abort while the source is stuck rejects at once and cleans up', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    const ac = new AbortController();
    const stuck = gate();
    let returned = false;
    async function* source(): AsyncGenerator<ImportItem> {
      try {
        for (let i = 0; i < 20; i++) yield fakeItem(i);
        await stuck.promise; // never opened
      } finally {
        returned = true;
      }
    }
    const p = importDataset(db, source(), { id: 'new', name: 'stuck', names: ['a'] }, {
      signal: ac.signal,
      batchItems: 8,
      onProgress: (pr) => {
        if (pr.images === 16) setTimeout(() => ac.abort(), 10);
      },
    });
    await expect(p).rejects.toMatchObject({ code: 'import_aborted' });
    expect(await snapshot(db)).toEqual(before);
    stuck.open();
    await new Promise((r) => setTimeout(r, 10));
    expect(returned).toBe(true); // the source was told to stop (return()) and released what it held
  });

  it('an already aborted signal stores nothing', async () => {
    const { db } = freshDb();
    const ac = new AbortController();
    ac.abort();
    await expect(importDataset(db, items(3), { name: 'x', names: [] }, { signal: ac.signal })).rejects.toMatchObject({ code: 'import_aborted' });
    expect(await snapshot(db)).toEqual([]);
  });

  it('quota exceeded while writing images -> StorageQuotaError and a clean roll-back', async () => {
    const { db, reopen } = freshDb();
    const before = await withExisting(db);
    const full = reopen({ kv: quotaStore(db.kv, nthPut(/^ys:v1:dataset:new:image:/, 37)) });
    const err = await importDataset(full, items(100), { id: 'new', name: 'too big', names: ['a'] }, { batchItems: 8 }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.name).toBe('StorageQuotaError');
    expect(err.code).toBe('quota_exceeded');
    expect(err.message).toContain('"too big" did not fit after 32 images');
    expect(await snapshot(db)).toEqual(before);
  });

  it('quota exceeded at the commit (manifest write) -> roll-back too', async () => {
    const { db, reopen } = freshDb();
    const before = await withExisting(db);
    const full = reopen({ kv: quotaStore(db.kv, nthPut(/^ys:v1:dataset:new:manifest$/, 0)) });
    await expect(importDataset(full, items(20), { id: 'new', name: 'n', names: ['a'] })).rejects.toBeInstanceOf(StorageQuotaError);
    expect(await snapshot(db)).toEqual(before);
  });

  it('a bad item is refused with its path and rolls back', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    async function* source(): AsyncGenerator<ImportItem> {
      yield* items(10);
      yield { ...fakeItem(10), labels: [0, 0.5, 0.5, 0.1] };
    }
    const err = await importDataset(db, source(), { id: 'new', name: 'n', names: ['a'] }, { batchItems: 4 }).catch((e) => e);
    expect(err).toMatchObject({ name: 'StorageError', code: 'bad_item' });
    expect(err.message).toContain('images/train/img_10.jpg');
    expect(err.message).toContain('4 numbers');
    expect(await snapshot(db)).toEqual(before);
    for (const bad of [{ width: 0 }, { split: 'valid' }, { path: '' }, { labels: [0, NaN, 0, 0, 0] }]) {
      const item = { ...fakeItem(0), ...bad } as ImportItem;
      await expect(importDataset(db, [item], { id: 'new', name: 'n', names: [] })).rejects.toMatchObject({ code: 'bad_item' });
    }
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses an empty source, a taken id, bad ids and names, leaving the store as it was', async () => {
    const { db } = freshDb();
    const before = await withExisting(db);
    await expect(importDataset(db, [], { id: 'e', name: 'empty', names: [] })).rejects.toMatchObject({ code: 'empty_dataset' });
    await expect(importDataset(db, items(3), { id: 'old', name: 'again', names: [] })).rejects.toMatchObject({ code: 'id_taken' });
    await expect(importDataset(db, items(3), { id: 'a:b', name: 'x', names: [] })).rejects.toMatchObject({ code: 'bad_id' });
    await expect(importDataset(db, items(3), { name: '   ', names: [] })).rejects.toMatchObject({ code: 'bad_name' });
    expect(await snapshot(db)).toEqual(before);
  });

  it('two concurrent imports both end up listed (the list is updated inside the commit transaction)', async () => {
    const { db } = freshDb();
    await Promise.all([
      importDataset(db, items(30), { id: 'p', name: 'P', names: ['a'] }, { batchItems: 4 }),
      importDataset(db, items(25), { id: 'q', name: 'Q', names: ['a'] }, { batchItems: 3 }),
    ]);
    expect((await listDatasets(db)).map((d) => d.id).sort()).toEqual(['p', 'q']);
  });

  it('pulls the source lazily: 2000 images, never more than one batch ahead of what is written', async () => {
    const { db } = freshDb();
    let pulled = 0;
    let written = 0;
    let maxAhead = 0;
    async function* source(): AsyncGenerator<ImportItem> {
      for (let i = 0; i < 2000; i++) {
        pulled += 1;
        maxAhead = Math.max(maxAhead, pulled - written);
        yield fakeItem(i, 256);
      }
    }
    const m = await importDataset(db, source(), { id: 'big', name: 'big', names: ['a', 'b', 'c', 'd'] }, {
      onProgress: (p) => (written = p.images),
    });
    expect(pulled).toBe(2000);
    expect(maxAhead).toBe(32); // default batch: 32 images
    expect((await listDatasets(db))[0]).toMatchObject({ images: { train: 1600, val: 400, test: 0 }, bytes: 2000 * 256 });
    const last = m.splits.val[m.splits.val.length - 1];
    expect(await bytesOf(await readImage(db, 'big', last.key))).toEqual(Array.from(fakeItem(1999, 256).bytes as Uint8Array));
  });

  it('a byte budget also closes a batch', async () => {
    const { db } = freshDb();
    const seen: number[] = [];
    await importDataset(db, items(10), { name: 'b', names: [] }, { batchBytes: 3 * 64, onProgress: (p) => seen.push(p.images) });
    expect(seen.slice(0, 4)).toEqual([3, 6, 9, 10]);
  });

  it('refuses a manifest of another schema', async () => {
    const { db } = freshDb();
    await importDataset(db, items(2), { id: 'x', name: 'x', names: [] });
    const { set } = await import('idb-keyval');
    const m = await getManifest(db, 'x');
    await set('ys:v1:dataset:x:manifest', { ...m, schema: 2 }, db.kv);
    await expect(getManifest(db, 'x')).rejects.toMatchObject({ code: 'schema_unsupported' });
    await expect(getManifest(db, 'nope')).rejects.toMatchObject({ code: 'not_found' });
    expect(await keysWithPrefix(db, DATASETS_INDEX)).toEqual([DATASETS_INDEX]);
  });
});
