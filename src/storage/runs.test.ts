// Runs, metrics rows and checkpoints.
import { describe, expect, it } from 'vitest';
import { deleteCheckpoint, listCheckpoints, readCheckpoint, saveCheckpoint } from './checkpoints';
import { StorageQuotaError } from './errors';
import { runPrefix } from './keys';
import { appendEpochMetrics, deleteRun, getRun, listRuns, readEpochMetrics, saveRun, updateRun } from './runs';
import { freshDb, keysWithPrefix, nthPut, quotaStore, snapshot } from './testing';

const pt = (seed: number, n = 100): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, (_, i) => (seed * 13 + i) & 255);
const bytesOf = async (b: Blob): Promise<Uint8Array> => new Uint8Array(await b.arrayBuffer());

describe('runs', () => {
  it('save, update, list, metrics rows, reload', async () => {
    let now = 100;
    const { db, reopen } = freshDb({ now: () => now });
    const config = { hyp: { lr0: 0.01 }, epochs: 3, imgsz: 64 };
    await saveRun(db, { id: 'r1', name: 'first', datasetId: 'ds1', config });
    now = 200;
    await appendEpochMetrics(db, 'r1', { epoch: 0, 'train/box_loss': 0.1, 'metrics/mAP_0.5': 0 });
    await appendEpochMetrics(db, 'r1', { epoch: 1, 'train/box_loss': 0.09, 'metrics/mAP_0.5': NaN });
    await appendEpochMetrics(db, 'r1', { epoch: 2, 'train/box_loss': 0.08, 'metrics/mAP_0.5': 0.2 });
    // resumed from epoch 1's checkpoint: epoch 1 again replaces rows 1 and 2
    await appendEpochMetrics(db, 'r1', { epoch: 1, 'train/box_loss': 0.07, 'metrics/mAP_0.5': 0.1 });
    now = 300;
    await updateRun(db, 'r1', { status: 'interrupted', note: 'page closed' });

    const db2 = reopen();
    const rows = await readEpochMetrics(db2, 'r1');
    expect(rows.map((r) => [r.epoch, r['train/box_loss']])).toEqual([
      [0, 0.1],
      [1, 0.07],
    ]);
    expect(await getRun(db2, 'r1')).toEqual({
      schema: 1, id: 'r1', name: 'first', datasetId: 'ds1', config, status: 'interrupted', note: 'page closed',
      createdAt: 100, updatedAt: 300, lastEpoch: 1,
    });
    expect(await listRuns(db2)).toEqual([
      { id: 'r1', name: 'first', datasetId: 'ds1', status: 'interrupted', note: 'page closed', createdAt: 100, updatedAt: 300, lastEpoch: 1 },
    ]);

    // saveRun again replaces config/status but keeps createdAt and lastEpoch
    now = 400;
    const again = await saveRun(db2, { id: 'r1', name: 'first', config: { epochs: 5 }, status: 'running' });
    expect(again).toMatchObject({ createdAt: 100, updatedAt: 400, lastEpoch: 1, config: { epochs: 5 } });
    expect(again.datasetId).toBeUndefined();

    await expect(appendEpochMetrics(db2, 'nope', { epoch: 0 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(appendEpochMetrics(db2, 'r1', { epoch: -1 })).rejects.toMatchObject({ code: 'bad_item' });
    await expect(appendEpochMetrics(db2, 'r1', { epoch: 0, x: '1' as unknown as number })).rejects.toMatchObject({ code: 'bad_item' });
    await expect(saveRun(db2, { id: 'r:1', name: 'x', config: {} })).rejects.toMatchObject({ code: 'bad_id' });
    await expect(updateRun(db2, 'r1', { status: 'bogus' as never })).rejects.toMatchObject({ code: 'bad_item' });
  });

  it('checkpoints: last/best replaced, epoch kept, bytes exact, pruning, order', async () => {
    const { db } = freshDb();
    await saveRun(db, { id: 'r', name: 'r', config: {} });
    await saveCheckpoint(db, 'r', 'epoch', pt(10), { epoch: 0 });
    await saveCheckpoint(db, 'r', 'last', pt(1), { epoch: 0 });
    await saveCheckpoint(db, 'r', 'best', pt(2), { epoch: 0, fitness: 0.1 });
    await saveCheckpoint(db, 'r', 'last', pt(3, 300), { epoch: 1 });
    await saveCheckpoint(db, 'r', 'epoch', new Blob([pt(11)]), { epoch: 1 });
    const list = await listCheckpoints(db, 'r');
    expect(list.map((e) => [e.id, e.epoch, e.size])).toEqual([
      ['last', 1, 300],
      ['best', 0, 100],
      ['epoch-0', 0, 100],
      ['epoch-1', 1, 100],
    ]);
    expect(list[1].meta).toEqual({ epoch: 0, fitness: 0.1 });
    const last = await readCheckpoint(db, 'r', 'last');
    expect(await bytesOf(last.blob)).toEqual(pt(3, 300));
    expect(await bytesOf((await readCheckpoint(db, 'r', 'epoch-1')).blob)).toEqual(pt(11));

    await deleteCheckpoint(db, 'r', 'epoch-0');
    expect((await listCheckpoints(db, 'r')).map((e) => e.id)).toEqual(['last', 'best', 'epoch-1']);
    await expect(readCheckpoint(db, 'r', 'epoch-0')).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteCheckpoint(db, 'r', 'epoch-0')).rejects.toMatchObject({ code: 'not_found' });
    await expect(readCheckpoint(db, 'r', '../x')).rejects.toMatchObject({ code: 'bad_checkpoint' });
    await expect(saveCheckpoint(db, 'r', 'epoch', pt(0), { epoch: -1 })).rejects.toMatchObject({ code: 'bad_checkpoint' });
    await expect(saveCheckpoint(db, 'r', 'final' as never, pt(0), { epoch: 0 })).rejects.toMatchObject({ code: 'bad_checkpoint' });
    await expect(saveCheckpoint(db, 'ghost', 'last', pt(0), { epoch: 0 })).rejects.toMatchObject({ code: 'not_found' });
    expect(await keysWithPrefix(db, runPrefix('ghost'))).toEqual([]);
  });

  it('a checkpoint save that hits the quota keeps the previous one exactly', async () => {
    const { db, reopen } = freshDb();
    await saveRun(db, { id: 'r', name: 'r', config: {} });
    await saveCheckpoint(db, 'r', 'last', pt(1), { epoch: 0 });
    const before = await snapshot(db);
    const full = reopen({ kv: quotaStore(db.kv, nthPut(/:checkpoint:last$/, 0)) });
    const err = await saveCheckpoint(full, 'r', 'last', pt(2, 5000), { epoch: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.message).toContain('checkpoint last of run r');
    expect(await snapshot(db)).toEqual(before);
    expect(await bytesOf((await readCheckpoint(db, 'r', 'last')).blob)).toEqual(pt(1));
  });

  it('deleteRun removes record, metrics and checkpoints of that run only', async () => {
    const { db } = freshDb();
    await saveRun(db, { id: 'keep', name: 'keep', config: { a: 1 } });
    await saveCheckpoint(db, 'keep', 'last', pt(5), { epoch: 0 });
    const before = await snapshot(db);
    await saveRun(db, { id: 'gone', name: 'gone', config: {} });
    await appendEpochMetrics(db, 'gone', { epoch: 0, loss: 1 });
    await saveCheckpoint(db, 'gone', 'last', pt(6), { epoch: 0 });
    await saveCheckpoint(db, 'gone', 'epoch', pt(7), { epoch: 0 });
    expect(await keysWithPrefix(db, runPrefix('gone'))).toHaveLength(5);
    await deleteRun(db, 'gone');
    expect(await snapshot(db)).toEqual(before);
    await expect(getRun(db, 'gone')).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteRun(db, 'gone')).rejects.toMatchObject({ code: 'not_found' });
  });
});
