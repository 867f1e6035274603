// Training runs: a record (config, status, last finished epoch) and the per-epoch metrics rows the charts and
// results.csv are made of. Each change is one transaction that updates the run's own keys and its list entry
// together, so the runs list never disagrees with a run.
import { checkName } from './datasets';
import { req, transact, type StudioDb } from './db';
import { StorageError } from './errors';
import { checkId, prefixRange, runMetricsKey, runPrefix, runRecordKey, RUNS_INDEX } from './keys';

export const RUN_SCHEMA = 1;

/** 'interrupted': the page closed mid-run; the studio offers "Resume from epoch lastEpoch + 1". */
export type RunStatus = 'running' | 'paused' | 'stopped' | 'done' | 'failed' | 'interrupted';
const STATUSES: readonly RunStatus[] = ['running', 'paused', 'stopped', 'done', 'failed', 'interrupted'];

export interface RunRecord {
  schema: typeof RUN_SCHEMA;
  id: string;
  name: string;
  datasetId?: string;
  /** The resolved training config (hyp + options), stored as given. */
  config: unknown;
  status: RunStatus;
  /** A line for the user, e.g. the error of a failed run. */
  note?: string;
  createdAt: number;
  updatedAt: number;
  /** Last epoch whose metrics row is stored; -1 before the first one. */
  lastEpoch: number;
}

export type RunSummary = Omit<RunRecord, 'schema' | 'config'>;

export interface RunInput {
  id: string;
  name: string;
  datasetId?: string;
  config: unknown;
  status?: RunStatus;
  note?: string;
}

/** One results.csv row: the epoch plus named numbers (losses, P, R, mAP, lr...). NaN is kept as NaN. */
export interface EpochMetricsRow {
  epoch: number;
  [metric: string]: number;
}

function summarize(r: RunRecord): RunSummary {
  const { schema: _schema, config: _config, ...summary } = r;
  return summary;
}

export function checkStatus(status: unknown, id: string): asserts status is RunStatus {
  if (!STATUSES.includes(status as RunStatus)) {
    throw new StorageError('bad_item', `run ${id}: status ${JSON.stringify(status)} is not one of ${STATUSES.join(', ')}`);
  }
}

export async function readIndex(store: IDBObjectStore): Promise<RunSummary[]> {
  return ((await req(store.get(RUNS_INDEX))) as RunSummary[] | undefined) ?? [];
}

/** Writes a run record and its list entry together, replacing the entry of the same id. */
export function putRun(store: IDBObjectStore, index: RunSummary[], record: RunRecord): void {
  const summary = summarize(record);
  const at = index.findIndex((r) => r.id === record.id);
  store.put(record, runRecordKey(record.id));
  store.put(at < 0 ? [...index, summary] : index.map((r, i) => (i === at ? summary : r)), RUNS_INDEX);
}

/** Reads a run record inside a caller's transaction (not_found / schema_unsupported as getRun). */
export async function readRecord(store: IDBObjectStore, id: string): Promise<RunRecord> {
  const record = (await req(store.get(runRecordKey(id)))) as RunRecord | undefined;
  if (!record) throw new StorageError('not_found', `run ${id} does not exist`, runRecordKey(id));
  if (record.schema !== RUN_SCHEMA) {
    throw new StorageError('schema_unsupported', `run ${id} was stored with schema ${String(record.schema)}; this version reads ${RUN_SCHEMA}`, runRecordKey(id));
  }
  return record;
}

/** Creates a run, or replaces its name/config/status (keeping createdAt and lastEpoch). */
export async function saveRun(db: StudioDb, input: RunInput): Promise<RunRecord> {
  checkId(input.id, 'run');
  const name = checkName(input.name, `run ${input.id}`);
  const status = input.status ?? 'running';
  checkStatus(status, input.id);
  if (input.datasetId !== undefined) checkId(input.datasetId, 'dataset');
  return transact(db, 'readwrite', async (store) => {
    const old = (await req(store.get(runRecordKey(input.id)))) as RunRecord | undefined;
    const now = db.now();
    const record: RunRecord = {
      schema: RUN_SCHEMA,
      id: input.id,
      name,
      ...(input.datasetId !== undefined ? { datasetId: input.datasetId } : {}),
      config: input.config,
      status,
      ...(input.note !== undefined ? { note: input.note } : {}),
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
      lastEpoch: old?.lastEpoch ?? -1,
    };
    putRun(store, await readIndex(store), record);
    return record;
  });
}

/** Changes a stored run's status, name or note. */
export async function updateRun(
  db: StudioDb,
  id: string,
  patch: { status?: RunStatus; name?: string; note?: string },
): Promise<RunRecord> {
  checkId(id, 'run');
  if (patch.status !== undefined) checkStatus(patch.status, id);
  const name = patch.name !== undefined ? checkName(patch.name, `run ${id}`) : undefined;
  return transact(db, 'readwrite', async (store) => {
    const old = await readRecord(store, id);
    const record: RunRecord = {
      ...old,
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(patch.note !== undefined ? { note: patch.note } : {}),
      updatedAt: db.now(),
    };
    putRun(store, await readIndex(store), record);
    return record;
  });
}

export async function getRun(db: StudioDb, id: string): Promise<RunRecord> {
  checkId(id, 'run');
  return transact(db, 'readonly', (store) => readRecord(store, id));
}

/** The stored runs, oldest first. */
export async function listRuns(db: StudioDb): Promise<RunSummary[]> {
  return transact(db, 'readonly', readIndex);
}

/** Throws StorageError 'bad_item' unless the row has an integer epoch >= 0 and only numbers. */
export function checkMetricsRow(runId: string, row: EpochMetricsRow): void {
  if (!Number.isInteger(row.epoch) || row.epoch < 0) {
    throw new StorageError('bad_item', `run ${runId}: metrics row epoch ${row.epoch} is not an integer >= 0`);
  }
  const bad = Object.entries(row).find(([, v]) => typeof v !== 'number');
  if (bad) throw new StorageError('bad_item', `run ${runId}: metric ${bad[0]} of epoch ${row.epoch} is not a number`);
}

/**
 * Stores the metrics row of one finished epoch. A row for epoch e replaces any rows for e and later: a run resumed
 * from an earlier checkpoint trains those epochs again, and the old rows belong to a discarded future.
 */
export async function appendEpochMetrics(db: StudioDb, runId: string, row: EpochMetricsRow): Promise<void> {
  checkId(runId, 'run');
  checkMetricsRow(runId, row);
  await transact(db, 'readwrite', async (store) => {
    const record = await readRecord(store, runId);
    const rows = ((await req(store.get(runMetricsKey(runId)))) as EpochMetricsRow[] | undefined) ?? [];
    store.put([...rows.filter((r) => r.epoch < row.epoch), { ...row }], runMetricsKey(runId));
    putRun(store, await readIndex(store), { ...record, lastEpoch: row.epoch, updatedAt: db.now() });
  });
}

/** The run's metrics rows in epoch order. */
export async function readEpochMetrics(db: StudioDb, runId: string): Promise<EpochMetricsRow[]> {
  checkId(runId, 'run');
  return transact(db, 'readonly', async (store) => {
    await readRecord(store, runId);
    return ((await req(store.get(runMetricsKey(runId)))) as EpochMetricsRow[] | undefined) ?? [];
  });
}

/** Deletes a run: record, metrics, every checkpoint and the list entry, in one transaction. */
export async function deleteRun(db: StudioDb, id: string): Promise<void> {
  checkId(id, 'run');
  await transact(db, 'readwrite', async (store) => {
    const index = await readIndex(store);
    if (!index.some((r) => r.id === id)) throw new StorageError('not_found', `run ${id} does not exist`, RUNS_INDEX);
    store.delete(prefixRange(runPrefix(id)));
    store.put(
      index.filter((r) => r.id !== id),
      RUNS_INDEX,
    );
  });
}
