// What the studio's own data takes, per run and per dataset, for the storage view: read in one transaction from the
// lists and small per-run keys (never from the checkpoint or image Blobs, whose sizes the lists already carry).
// navigator.storage.estimate() says what the whole origin takes; these numbers say which run or dataset to prune.
import { req, transact, type StudioDb } from './db';
import { checkpointProtection, type CheckpointEntry, type CheckpointKind } from './checkpoints';
import { checkpointIndexKey, DATASETS_INDEX, runMetricsKey, runRecordKey, runValidationKey } from './keys';
import { readIndex, type RunStatus } from './runs';
import type { DatasetSummary } from './types';

export interface CheckpointUsage {
  id: string;
  kind: CheckpointKind;
  epoch: number;
  size: number;
  /** Why it cannot be deleted now (checkpointProtection), or null. */
  keptBecause: string | null;
}

export interface RunUsage {
  runId: string;
  name: string;
  status: RunStatus;
  checkpoints: CheckpointUsage[];
  /** Bytes of all checkpoints / of the epochN.pt ones only (what "prune epoch checkpoints" frees). */
  checkpointBytes: number;
  epochCheckpointBytes: number;
  /** About what the record, the metrics rows and the stored validation take (approxBytes). */
  dataBytes: number;
  total: number;
}

export interface DatasetUsage {
  datasetId: string;
  name: string;
  /** Bytes of the stored image files (the manifest's labels are not counted: reading it is not cheap). */
  bytes: number;
}

export interface StudioUsage {
  runs: RunUsage[];
  datasets: DatasetUsage[];
  /** Sum of the runs' and datasets' bytes. */
  total: number;
}

/**
 * About how many bytes a stored plain value takes: typed arrays and Blobs by their byte length, numbers 8, strings
 * and keys 1 per character, plus nothing for structure. Good enough to rank runs; not the browser's accounting.
 */
export function approxBytes(value: unknown): number {
  if (value === null || value === undefined) return 0;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 1;
    case 'string':
      return value.length;
    case 'object':
      break;
    default:
      return 0;
  }
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  if (Array.isArray(value)) return value.reduce((s: number, v) => s + approxBytes(v), 0);
  let n = 0;
  for (const [k, v] of Object.entries(value)) n += k.length + approxBytes(v);
  return n;
}

async function runUsage(store: IDBObjectStore, runId: string, name: string, status: RunStatus): Promise<RunUsage> {
  const [entries, record, rows, validation] = await Promise.all([
    req(store.get(checkpointIndexKey(runId))) as Promise<CheckpointEntry[] | undefined>,
    req(store.get(runRecordKey(runId))),
    req(store.get(runMetricsKey(runId))),
    req(store.get(runValidationKey(runId))),
  ]);
  const checkpoints = (entries ?? []).map((e) => ({
    id: e.id, kind: e.kind, epoch: e.epoch, size: e.size, keptBecause: checkpointProtection(status, e),
  }));
  const checkpointBytes = checkpoints.reduce((s, c) => s + c.size, 0);
  const epochCheckpointBytes = checkpoints.reduce((s, c) => s + (c.kind === 'epoch' ? c.size : 0), 0);
  const dataBytes = approxBytes(record) + approxBytes(rows) + approxBytes(validation) + approxBytes(entries);
  return { runId, name, status, checkpoints, checkpointBytes, epochCheckpointBytes, dataBytes, total: checkpointBytes + dataBytes };
}

/** Sizes of every stored run (oldest first) and dataset. */
export async function studioUsage(db: StudioDb): Promise<StudioUsage> {
  return transact(db, 'readonly', async (store) => {
    const index = await readIndex(store);
    const runs = await Promise.all(index.map((r) => runUsage(store, r.id, r.name, r.status)));
    const summaries = ((await req(store.get(DATASETS_INDEX))) as DatasetSummary[] | undefined) ?? [];
    const datasets = summaries.map((d) => ({ datasetId: d.id, name: d.name, bytes: d.bytes }));
    const total = runs.reduce((s, r) => s + r.total, 0) + datasets.reduce((s, d) => s + d.bytes, 0);
    return { runs, datasets, total };
  });
}
