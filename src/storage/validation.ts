// The latest validation of a run, kept beside it: what the run view shows below the charts (per-class table,
// confusion matrix, PR / F1 curves, gallery boxes), so a past run opened later, or after a reload, shows what its
// last validation found. ONE is kept per run and each save replaces it: the stored size does not grow with the
// number of epochs. The payload is the caller's plain data (the protocol's types: storage knows core types only),
// structured-cloned as given, typed arrays included.
import { req, transact, type StudioDb } from './db';
import { isQuotaError, StorageError, StorageQuotaError } from './errors';
import { storageEstimate } from './estimate';
import { checkId, runValidationKey } from './keys';
import { readRecord } from './runs';

export const VALIDATION_SCHEMA = 1;

export interface StoredValidation<T = unknown> {
  schema: typeof VALIDATION_SCHEMA;
  /** Training epoch (0-based) whose validation this is. */
  epoch: number;
  savedAt: number;
  data: T;
}

/** Stores `data` as the latest validation of an existing run (epoch 0-based), replacing the one before. */
export async function saveLatestValidation<T>(db: StudioDb, runId: string, epoch: number, data: T): Promise<StoredValidation<T>> {
  checkId(runId, 'run');
  if (!Number.isInteger(epoch) || epoch < 0) {
    throw new StorageError('bad_item', `run ${runId}: validation epoch ${epoch} is not an integer >= 0`, runValidationKey(runId));
  }
  const stored: StoredValidation<T> = { schema: VALIDATION_SCHEMA, epoch, savedAt: db.now(), data };
  try {
    await transact(db, 'readwrite', async (store) => {
      await readRecord(store, runId); // nothing for a run that does not exist (or was just deleted)
      store.put(stored, runValidationKey(runId));
    });
  } catch (err) {
    if (!isQuotaError(err)) throw err;
    const est = (await storageEstimate().catch(() => undefined)) ?? {};
    throw new StorageQuotaError(`browser storage is full: the validation of epoch ${epoch + 1} of run ${runId} was not saved`, est);
  }
  return stored;
}

/** The run's latest stored validation, or null when none was stored (no epoch validated yet, an imported run). */
export async function readLatestValidation<T>(db: StudioDb, runId: string): Promise<StoredValidation<T> | null> {
  checkId(runId, 'run');
  const value = await transact(db, 'readonly', async (store) => {
    await readRecord(store, runId);
    return (await req(store.get(runValidationKey(runId)))) as StoredValidation<T> | undefined;
  });
  if (value === undefined) return null;
  if (value.schema !== VALIDATION_SCHEMA) {
    throw new StorageError(
      'schema_unsupported',
      `run ${runId}: its validation was stored with schema ${String(value.schema)}; this version reads ${VALIDATION_SCHEMA}`,
      runValidationKey(runId),
    );
  }
  return value;
}
