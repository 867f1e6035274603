// An imported run lands whole (record, list entry, metrics, checkpoints) or not at all.
import { describe, expect, it } from 'vitest';
import { listCheckpoints, readCheckpoint } from './checkpoints';
import { StorageQuotaError } from './errors';
import { importRun, type RunImportInput } from './importRun';
import { getRun, listRuns, readEpochMetrics, saveRun } from './runs';
import { freshDb, nthPut, quotaStore, snapshot } from './testing';

const pt = (seed: number, n = 200): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, (_, i) => (seed * 11 + i) & 255);

const input = (over: Partial<RunImportInput> = {}): RunImportInput => ({
  id: 'ext1',
  name: ' exp7 (cluster) ',
  datasetId: 'ds1',
  config: { model: 'yolov5n', options: { epochs: 3 } },
  status: 'done',
  note: 'imported',
  metrics: [
    { epoch: 1, box: 0.2, mAP50: 0.1 },
    { epoch: 0, box: 0.3, mAP50: NaN },
    { epoch: 2, box: 0.1, mAP50: 0.3 },
    { epoch: 1, box: 0.15, mAP50: 0.2 },
  ],
  checkpoints: [
    { kind: 'best', bytes: pt(1), meta: { epoch: -1, source: 'upstream', resumable: false } },
    { kind: 'last', bytes: new Blob([pt(2, 300)]), meta: { epoch: 2, source: 'upstream', resumable: true } },
  ],
  ...over,
});

describe('importRun', () => {
  it('stores record, list entry, metrics in epoch order and checkpoints in one go', async () => {
    let now = 500;
    const { db } = freshDb({ now: () => now });
    const record = await importRun(db, input());
    now = 600;
    expect(record).toEqual({
      schema: 1, id: 'ext1', name: 'exp7 (cluster)', datasetId: 'ds1', config: { model: 'yolov5n', options: { epochs: 3 } },
      status: 'done', note: 'imported', createdAt: 500, updatedAt: 500, lastEpoch: 2,
    });
    expect(await getRun(db, 'ext1')).toEqual(record);
    expect(await listRuns(db)).toEqual([{ id: 'ext1', name: 'exp7 (cluster)', datasetId: 'ds1', status: 'done', note: 'imported', createdAt: 500, updatedAt: 500, lastEpoch: 2 }]);
    const rows = await readEpochMetrics(db, 'ext1');
    expect(rows.map((r) => [r.epoch, r.box])).toEqual([[0, 0.3], [1, 0.15], [2, 0.1]]); // the later epoch-1 row wins
    expect(rows[0].mAP50).toBeNaN();
    const list = await listCheckpoints(db, 'ext1');
    expect(list.map((e) => [e.id, e.epoch, e.size, e.meta.resumable])).toEqual([['last', 2, 300, true], ['best', -1, 200, false]]);
    expect(new Uint8Array(await (await readCheckpoint(db, 'ext1', 'best')).blob.arrayBuffer())).toEqual(pt(1));
  });

  it('a fresh id when none is given; a taken id or a bad row or checkpoint changes nothing', async () => {
    const { db } = freshDb();
    await saveRun(db, { id: 'ext1', name: 'mine', config: {} });
    const before = await snapshot(db);
    await expect(importRun(db, input())).rejects.toMatchObject({ code: 'id_taken' });
    await expect(importRun(db, input({ id: undefined, metrics: [{ epoch: 0.5 }] }))).rejects.toMatchObject({ code: 'bad_item' });
    await expect(importRun(db, input({ id: 'x', checkpoints: [input().checkpoints[0], input().checkpoints[0]] }))).rejects.toMatchObject({
      code: 'bad_checkpoint',
      message: 'run x: two checkpoints are both best',
    });
    await expect(importRun(db, input({ id: 'x', status: 'weird' as never }))).rejects.toMatchObject({ code: 'bad_item' });
    expect(await snapshot(db)).toEqual(before);
    const fresh = await importRun(db, input({ id: undefined }));
    expect(fresh.id).not.toBe('ext1');
    expect((await listRuns(db)).map((r) => r.id)).toEqual(['ext1', fresh.id]);
  });

  it('a full disk at the second checkpoint keeps nothing of the import', async () => {
    const { db, reopen } = freshDb();
    await saveRun(db, { id: 'other', name: 'other', config: {} });
    const before = await snapshot(db);
    const full = reopen({ kv: quotaStore(db.kv, nthPut(/:checkpoint:last$/, 0)) });
    const err = await importRun(full, input()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as Error).message).toContain('the imported run "exp7 (cluster)" (0.0 MB of checkpoints) was not saved; nothing of it was kept');
    expect(await snapshot(db)).toEqual(before);
  });
});
