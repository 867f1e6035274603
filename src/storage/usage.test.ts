// Sizes per run and dataset, pruning epoch checkpoints and single ones, and the checkpoints pruning must keep:
// the ones a training writes, and the last.pt a run resumes from.
import { describe, expect, it } from 'vitest';
import { checkpointProtection, deleteCheckpoint, listCheckpoints, pruneEpochCheckpoints, readCheckpoint, saveCheckpoint } from './checkpoints';
import { importDataset } from './importDataset';
import { appendEpochMetrics, deleteRun, saveRun, updateRun, type RunStatus } from './runs';
import { freshDb, items, snapshot } from './testing';
import { approxBytes, studioUsage } from './usage';
import { saveLatestValidation } from './validation';

const pt = (n: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, (_, i) => i & 255);

describe('approxBytes', () => {
  it('counts typed arrays by bytes, numbers 8, strings and keys by characters', () => {
    expect(approxBytes(null)).toBe(0);
    expect(approxBytes(1.5)).toBe(8);
    expect(approxBytes('abc')).toBe(3);
    expect(approxBytes(new Float32Array(10))).toBe(40);
    expect(approxBytes([1, 2, 'x'])).toBe(17);
    expect(approxBytes({ ab: 1, c: { d: new Uint8Array(5) } })).toBe(2 + 8 + 1 + 1 + 5);
    expect(approxBytes(new Blob([pt(33)]))).toBe(33);
  });
});

describe('checkpointProtection', () => {
  const cases: [RunStatus, 'last' | 'best' | 'epoch', number, boolean][] = [
    ['running', 'last', 3, true], ['running', 'best', 3, true], ['running', 'epoch', 3, false], ['paused', 'best', -1, true],
    // the final strip rewrites last.pt with epoch -1 while the run is still 'running'
    ['running', 'last', -1, true],
    ['interrupted', 'last', 3, true], ['stopped', 'last', 0, true], ['failed', 'last', 1, true],
    ['interrupted', 'best', 3, false], ['interrupted', 'epoch', 1, false],
    ['done', 'last', -1, false], ['done', 'last', 4, false], ['done', 'best', -1, false], ['stopped', 'last', -1, false],
  ];
  it.each(cases)('%s run, %s.pt of epoch %i: kept %s', (status, kind, epoch, kept) => {
    expect(checkpointProtection(status, { kind, epoch }) !== null).toBe(kept);
  });
});

describe('studioUsage and pruning', () => {
  it('sizes per run and dataset; pruning frees what it says and the numbers follow', async () => {
    const { db } = freshDb();
    await importDataset(db, items(5), { id: 'ds', name: 'shapes', names: ['x'] });
    await saveRun(db, { id: 'a', name: 'run a', datasetId: 'ds', config: { epochs: 3 } });
    await appendEpochMetrics(db, 'a', { epoch: 0, box: 0.1, 'metrics/mAP_0.5': 0.2 });
    await saveCheckpoint(db, 'a', 'last', pt(1000), { epoch: 2 });
    await saveCheckpoint(db, 'a', 'best', pt(700), { epoch: 1 });
    await saveCheckpoint(db, 'a', 'epoch', pt(300), { epoch: 0 });
    await saveCheckpoint(db, 'a', 'epoch', pt(310), { epoch: 1 });
    await saveLatestValidation(db, 'a', 2, { y: new Float32Array(1000) });
    await updateRun(db, 'a', { status: 'interrupted' });
    await saveRun(db, { id: 'b', name: 'run b', config: {} });
    await saveCheckpoint(db, 'b', 'last', pt(50), { epoch: -1 });
    await updateRun(db, 'b', { status: 'done' });

    const u = await studioUsage(db);
    expect(u.datasets).toEqual([{ datasetId: 'ds', name: 'shapes', bytes: 5 * 64 }]);
    const [a, b] = u.runs;
    expect(a.runId).toBe('a');
    expect(a.checkpoints.map((c) => [c.id, c.size, c.keptBecause !== null])).toEqual([
      ['last', 1000, true], ['best', 700, false], ['epoch-0', 300, false], ['epoch-1', 310, false],
    ]);
    expect(a.checkpoints[0].keptBecause).toContain('resumes from (epoch 4)');
    expect(a.checkpointBytes).toBe(2310);
    expect(a.epochCheckpointBytes).toBe(610);
    // the stored validation's 4000 bytes of curve are counted with the run's data
    expect(a.dataBytes).toBeGreaterThan(4000);
    expect(a.dataBytes).toBeLessThan(6000);
    expect(a.total).toBe(a.checkpointBytes + a.dataBytes);
    expect(b).toMatchObject({ runId: 'b', status: 'done', checkpointBytes: 50, epochCheckpointBytes: 0 });
    expect(u.total).toBe(a.total + b.total + 320);

    expect(await pruneEpochCheckpoints(db, 'a')).toEqual({ deleted: ['epoch-0', 'epoch-1'], bytes: 610 });
    expect((await listCheckpoints(db, 'a')).map((e) => e.id)).toEqual(['last', 'best']);
    const u2 = await studioUsage(db);
    expect(u2.runs[0].checkpointBytes).toBe(1700);
    // the bytes plus the two entries' list items
    expect(u.total - u2.total).toBeGreaterThanOrEqual(610);
    expect(u.total - u2.total).toBeLessThan(610 + 400);
    // nothing left to prune: a no-op
    expect(await pruneEpochCheckpoints(db, 'a')).toEqual({ deleted: [], bytes: 0 });

    await deleteCheckpoint(db, 'a', 'best');
    const u3 = await studioUsage(db);
    expect(u3.runs[0].checkpointBytes).toBe(1000);
    expect(u2.total - u3.total).toBeGreaterThanOrEqual(700);
    await deleteRun(db, 'b');
    const u4 = await studioUsage(db);
    expect(u4.runs.map((r) => r.runId)).toEqual(['a']);
    expect(u4.total).toBe(u3.total - b.total);
  });

  it('never deletes what a training writes or a resume needs; a refused prune deletes nothing', async () => {
    const { db } = freshDb();
    await saveRun(db, { id: 'r', name: 'r', config: {} }); // status 'running'
    await saveCheckpoint(db, 'r', 'last', pt(10), { epoch: 1 });
    await saveCheckpoint(db, 'r', 'best', pt(11), { epoch: 0 });
    await saveCheckpoint(db, 'r', 'epoch', pt(12), { epoch: 0 });
    const before = await snapshot(db);
    await expect(deleteCheckpoint(db, 'r', 'last')).rejects.toMatchObject({ code: 'protected' });
    await expect(deleteCheckpoint(db, 'r', 'best')).rejects.toMatchObject({ code: 'protected', message: expect.stringContaining('run r: checkpoint best') });
    expect(await snapshot(db)).toEqual(before);
    // epochN.pt of a running run may go: the training never reads it again
    expect(await pruneEpochCheckpoints(db, 'r')).toEqual({ deleted: ['epoch-0'], bytes: 12 });

    // interrupted: best may go, last.pt stays for "Resume"
    await updateRun(db, 'r', { status: 'interrupted' });
    await deleteCheckpoint(db, 'r', 'best');
    await expect(deleteCheckpoint(db, 'r', 'last')).rejects.toMatchObject({ code: 'protected' });
    expect(new Uint8Array(await (await readCheckpoint(db, 'r', 'last')).blob.arrayBuffer())).toEqual(pt(10));
    // only deleting the run removes it
    await deleteRun(db, 'r');
    await expect(listCheckpoints(db, 'r')).rejects.toMatchObject({ code: 'not_found' });
    await expect(pruneEpochCheckpoints(db, 'r')).rejects.toMatchObject({ code: 'not_found' });
  });
});
