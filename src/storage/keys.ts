// The key scheme. Everything lives in one idb-keyval store under the `ys:v1:` prefix; a future incompatible layout
// gets `ys:v2:` and a migration, so old and new keys never mix. One prefix per dataset / run lets delete and
// roll-back remove everything of it with a single key-range delete, without listing keys first.
//
//   ys:v1:datasets                         DatasetSummary[]   the list; a dataset exists iff it is here
//   ys:v1:dataset:<id>:manifest            DatasetManifest    written in the same transaction as the list entry
//   ys:v1:dataset:<id>:image:<key>         Blob               original image bytes, one key per image
//   ys:v1:pending:dataset:<id>             PendingMarker      an import in progress (removed when it commits)
//   ys:v1:runs                             RunSummary[]
//   ys:v1:run:<id>:record                  RunRecord
//   ys:v1:run:<id>:metrics                 EpochMetricsRow[]
//   ys:v1:run:<id>:checkpoints             CheckpointEntry[]
//   ys:v1:run:<id>:checkpoint:<entryId>    Blob               .pt bytes; entryId = last | best | epoch-<n>
//   ys:v1:run:<id>:validation              StoredValidation   the latest validation's analytics (one, replaced)
import { StorageError } from './errors';

export const KEY_ROOT = 'ys:v1:';
export const DATASETS_INDEX = `${KEY_ROOT}datasets`;
export const RUNS_INDEX = `${KEY_ROOT}runs`;
export const PENDING_PREFIX = `${KEY_ROOT}pending:`;

// Ids become part of keys: no ':' (the separator) and nothing a user could type by accident into another prefix.
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function checkId(id: unknown, what: 'dataset' | 'run'): asserts id is string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new StorageError('bad_id', `${what} id ${JSON.stringify(id)} must be 1-64 characters of A-Z a-z 0-9 _ -`);
  }
}

export const datasetPrefix = (id: string): string => `${KEY_ROOT}dataset:${id}:`;
export const manifestKey = (id: string): string => `${datasetPrefix(id)}manifest`;
export const imageKey = (id: string, key: string): string => `${datasetPrefix(id)}image:${key}`;
export const pendingDatasetKey = (id: string): string => `${PENDING_PREFIX}dataset:${id}`;

export const runPrefix = (id: string): string => `${KEY_ROOT}run:${id}:`;
export const runRecordKey = (id: string): string => `${runPrefix(id)}record`;
export const runMetricsKey = (id: string): string => `${runPrefix(id)}metrics`;
export const checkpointIndexKey = (id: string): string => `${runPrefix(id)}checkpoints`;
export const checkpointKey = (id: string, entryId: string): string => `${runPrefix(id)}checkpoint:${entryId}`;
export const runValidationKey = (id: string): string => `${runPrefix(id)}validation`;

/** Every key that starts with `prefix` (all our key characters sort below U+FFFF). */
export function prefixRange(prefix: string): IDBKeyRange {
  return IDBKeyRange.bound(prefix, `${prefix}\uffff`);
}

/** A fresh id: time-ordered, plus 48 random bits so two tabs importing in the same millisecond do not collide. */
export function newId(now: number): string {
  const rnd = crypto.getRandomValues(new Uint8Array(6));
  return now.toString(36) + '-' + Array.from(rnd, (b) => b.toString(16).padStart(2, '0')).join('');
}
