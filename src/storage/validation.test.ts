// The latest validation stored beside its run: round trip (typed arrays intact), replaced not accumulated, removed
// with the run, refused for a run that does not exist.
import { describe, expect, it } from 'vitest';
import { runPrefix, runValidationKey } from './keys';
import { deleteRun, saveRun } from './runs';
import { freshDb, keysWithPrefix, snapshot } from './testing';
import { readLatestValidation, saveLatestValidation } from './validation';

/** Shaped like protocol's ValAnalytics plus per-class rows: what the worker stores. */
function analytics(epoch: number) {
  return {
    perClass: [{ name: 'circle', images: 16, instances: 20, P: 0.5 + epoch / 10, R: 0.25, mAP50: 0.3, mAP50_95: 0.1 }],
    analytics: {
      all: { images: 16, instances: 31, P: 0.4, R: 0.2, mAP50: 0.25, mAP50_95: 0.08 },
      confusion: { names: ['circle', 'square', 'background'], matrix: [1, 2, 3, 4, 5, 6, 7, 8, epoch] },
      curves: { pr: { lines: [], mean: { name: 'all classes', cls: -1, label: 'all classes 0.250 mAP@0.5', y: Float32Array.from({ length: 101 }, (_, i) => 1 - i / 100) } } },
      gallery: { datasetId: 'ds1', images: [{ key: 'img_0', width: 64, height: 48, labels: Float32Array.of(0, 1, 2, 30, 40), dets: new Float32Array(0) }] },
    },
  };
}

describe('latest validation of a run', () => {
  it('round trip after a reopen, typed arrays intact', async () => {
    let now = 10;
    const { db, reopen } = freshDb({ now: () => now });
    await saveRun(db, { id: 'r1', name: 'r1', config: {} });
    expect(await readLatestValidation(db, 'r1')).toBeNull();
    now = 20;
    await saveLatestValidation(db, 'r1', 0, analytics(0));
    const back = await readLatestValidation<ReturnType<typeof analytics>>(reopen(), 'r1');
    expect(back).toEqual({ schema: 1, epoch: 0, savedAt: 20, data: analytics(0) });
    const y = back!.data.analytics.curves.pr.mean.y;
    expect(y).toBeInstanceOf(Float32Array);
    expect(Array.from(y.slice(0, 3))).toEqual([1, Math.fround(0.99), Math.fround(0.98)]);
    expect(back!.data.analytics.gallery.images[0].labels).toEqual(Float32Array.of(0, 1, 2, 30, 40));
  });

  it('keeps only the latest: one key per run whatever the number of epochs', async () => {
    const { db } = freshDb();
    await saveRun(db, { id: 'r1', name: 'r1', config: {} });
    await saveRun(db, { id: 'r2', name: 'r2', config: {} });
    for (let e = 0; e < 5; e++) await saveLatestValidation(db, 'r1', e, analytics(e));
    await saveLatestValidation(db, 'r2', 0, analytics(9));
    // A resumed run validates an earlier epoch again: the newest write wins, whatever its epoch.
    await saveLatestValidation(db, 'r1', 2, analytics(2));
    const r1 = await readLatestValidation<ReturnType<typeof analytics>>(db, 'r1');
    expect(r1?.epoch).toBe(2);
    expect(r1?.data.analytics.confusion.matrix.at(-1)).toBe(2);
    expect((await readLatestValidation<ReturnType<typeof analytics>>(db, 'r2'))?.data.perClass[0].P).toBeCloseTo(1.4);
    expect((await keysWithPrefix(db, runPrefix('r1'))).filter((k) => k.endsWith(':validation'))).toEqual([runValidationKey('r1')]);
  });

  it('goes with its run; refused for a missing run or a bad epoch', async () => {
    const { db } = freshDb();
    await saveRun(db, { id: 'keep', name: 'keep', config: {} });
    const before = await snapshot(db);
    await saveRun(db, { id: 'gone', name: 'gone', config: {} });
    await saveLatestValidation(db, 'gone', 3, analytics(3));
    await deleteRun(db, 'gone');
    expect(await snapshot(db)).toEqual(before);
    await expect(saveLatestValidation(db, 'gone', 0, analytics(0))).rejects.toMatchObject({ code: 'not_found' });
    await expect(readLatestValidation(db, 'gone')).rejects.toMatchObject({ code: 'not_found' });
    await expect(saveLatestValidation(db, 'keep', -1, {})).rejects.toMatchObject({ code: 'bad_item' });
    await expect(saveLatestValidation(db, 'keep', 0.5, {})).rejects.toMatchObject({ code: 'bad_item' });
    expect(await snapshot(db)).toEqual(before);
  });
});
