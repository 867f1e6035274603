// A run trained elsewhere (an upstream cluster run brought back) stored in one go: the run record and its list
// entry, every metrics row, every checkpoint's bytes and the checkpoint list, all in ONE transaction. IndexedDB
// commits it whole or not at all, so a full disk or a closed tab mid-import leaves no half run behind.
import { entryIdOf, sortEntries, type CheckpointEntry, type CheckpointKind, type CheckpointMeta } from './checkpoints';
import { checkName } from './datasets';
import { req, transact, type StudioDb } from './db';
import { isQuotaError, StorageError, StorageQuotaError } from './errors';
import { storageEstimate } from './estimate';
import { checkId, checkpointIndexKey, checkpointKey, newId, prefixRange, runMetricsKey, runPrefix, runRecordKey } from './keys';
import { checkMetricsRow, checkStatus, putRun, readIndex, RUN_SCHEMA, type EpochMetricsRow, type RunRecord, type RunStatus } from './runs';

export interface RunImportCheckpoint {
  kind: CheckpointKind;
  bytes: Uint8Array | Blob;
  meta: CheckpointMeta;
}

export interface RunImportInput {
  /** Defaults to a fresh id; an id already in use is refused ('id_taken'). */
  id?: string;
  name: string;
  datasetId?: string;
  config: unknown;
  status: RunStatus;
  note?: string;
  metrics: EpochMetricsRow[];
  checkpoints: RunImportCheckpoint[];
}

/** Stores an imported run with its metrics and checkpoints atomically and returns its record. */
export async function importRun(db: StudioDb, input: RunImportInput): Promise<RunRecord> {
  const id = input.id ?? newId(db.now());
  checkId(id, 'run');
  const name = checkName(input.name, `run ${id}`);
  checkStatus(input.status, id);
  if (input.datasetId !== undefined) checkId(input.datasetId, 'dataset');
  for (const row of input.metrics) checkMetricsRow(id, row);
  // Rows in epoch order, a later row for the same epoch winning (as appendEpochMetrics would leave them).
  const byEpoch = new Map<number, EpochMetricsRow>();
  for (const row of input.metrics) byEpoch.set(row.epoch, { ...row });
  const metrics = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);

  const now = db.now();
  const blobs: [string, Blob][] = [];
  const entries: CheckpointEntry[] = [];
  for (const c of input.checkpoints) {
    const entryId = entryIdOf(id, c.kind, c.meta?.epoch);
    if (entries.some((e) => e.id === entryId)) throw new StorageError('bad_checkpoint', `run ${id}: two checkpoints are both ${entryId}`);
    const blob = c.bytes instanceof Blob ? c.bytes : new Blob([c.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
    entries.push({ id: entryId, kind: c.kind, epoch: c.meta.epoch, size: blob.size, savedAt: now, meta: { ...c.meta } });
    blobs.push([checkpointKey(id, entryId), blob]);
  }
  sortEntries(entries);

  const record: RunRecord = {
    schema: RUN_SCHEMA,
    id,
    name,
    ...(input.datasetId !== undefined ? { datasetId: input.datasetId } : {}),
    config: input.config,
    status: input.status,
    ...(input.note !== undefined ? { note: input.note } : {}),
    createdAt: now,
    updatedAt: now,
    lastEpoch: metrics.length ? metrics[metrics.length - 1].epoch : -1,
  };
  try {
    await transact(db, 'readwrite', async (store) => {
      const index = await readIndex(store);
      if (index.some((r) => r.id === id) || (await req(store.count(prefixRange(runPrefix(id))))) > 0) {
        throw new StorageError('id_taken', `run id ${id} is already in use`, runRecordKey(id));
      }
      putRun(store, index, record);
      if (metrics.length) store.put(metrics, runMetricsKey(id));
      for (const [key, blob] of blobs) store.put(blob, key);
      store.put(entries, checkpointIndexKey(id));
    });
  } catch (err) {
    if (!isQuotaError(err)) throw err;
    const est = (await storageEstimate().catch(() => undefined)) ?? {};
    const mb = blobs.reduce((s, [, b]) => s + b.size, 0) / 1048576;
    throw new StorageQuotaError(
      `browser storage is full: the imported run "${name}" (${mb.toFixed(1)} MB of checkpoints) was not saved; nothing of it was kept. ` +
        'Delete old runs or datasets to free space.',
      est,
    );
  }
  return record;
}
