// List, rename, delete and reload of stored datasets.
import { describe, expect, it } from 'vitest';
import { deleteDataset, getManifest, listDatasets, readImage, renameDataset } from './datasets';
import { importDataset } from './importDataset';
import { datasetPrefix } from './keys';
import { freshDb, items, keysWithPrefix, snapshot } from './testing';

describe('stored datasets', () => {
  it('rename changes list and manifest together and survives a reload', async () => {
    const { db, reopen } = freshDb();
    await importDataset(db, items(6), { id: 'a', name: 'first', names: ['x'] });
    await importDataset(db, items(4), { id: 'b', name: 'second', names: ['x', 'y'] });
    const summary = await renameDataset(db, 'a', '  renamed  ');
    expect(summary).toMatchObject({ id: 'a', name: 'renamed', nc: 1 });
    const db2 = reopen();
    expect((await listDatasets(db2)).map((d) => [d.id, d.name])).toEqual([
      ['a', 'renamed'],
      ['b', 'second'],
    ]);
    expect((await getManifest(db2, 'a')).name).toBe('renamed');
    await expect(renameDataset(db2, 'a', '')).rejects.toMatchObject({ code: 'bad_name' });
    await expect(renameDataset(db2, 'zzz', 'n')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('delete removes every key of one dataset and leaves the other byte-identical', async () => {
    const { db, reopen } = freshDb();
    await importDataset(db, items(6), { id: 'a', name: 'first', names: ['x'] });
    const onlyB = await snapshot(db);
    await importDataset(db, items(9), { id: 'b', name: 'second', names: ['x'] });
    const withB = (await snapshot(db)).filter(([k]) => k.startsWith(datasetPrefix('b')));
    expect(withB).toHaveLength(10); // 9 images + manifest

    await deleteDataset(db, 'b');
    const db2 = reopen();
    expect(await keysWithPrefix(db2, datasetPrefix('b'))).toEqual([]);
    expect(await snapshot(db2)).toEqual(onlyB);
    expect((await listDatasets(db2)).map((d) => d.id)).toEqual(['a']);
    await expect(getManifest(db2, 'b')).rejects.toMatchObject({ code: 'not_found' });
    await expect(readImage(db2, 'b', '0')).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteDataset(db2, 'b')).rejects.toMatchObject({ code: 'not_found' });

    await deleteDataset(db2, 'a');
    expect(await listDatasets(db2)).toEqual([]);
    expect((await snapshot(db2)).map(([k]) => k)).toEqual(['ys:v1:datasets']);
  });

  it('the prefix of one id does not reach another id that extends it', async () => {
    const { db } = freshDb();
    await importDataset(db, items(3), { id: 'ab', name: 'ab', names: [] });
    await importDataset(db, items(3), { id: 'a', name: 'a', names: [] });
    await deleteDataset(db, 'a');
    expect(await keysWithPrefix(db, datasetPrefix('ab'))).toHaveLength(4);
    expect(await keysWithPrefix(db, datasetPrefix('a'))).toEqual([]);
  });
});
