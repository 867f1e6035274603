// Checkpoints of a run: the .pt bytes as a Blob per entry ('last', 'best', 'epoch-<n>') and a per-run list of
// entries. Saving puts the new Blob and the updated list in ONE transaction: IndexedDB commits it whole or not at
// all, so a crash or a full disk mid-save leaves the previous 'last' (bytes and entry) exactly as it was, and the
// list never names bytes that are not there. (A separate temp key would only be needed if the write spanned
// several transactions, as a dataset import does.)
import { req, transact, type StudioDb } from './db';
import { isQuotaError, StorageError, StorageQuotaError } from './errors';
import { storageEstimate } from './estimate';
import { checkId, checkpointIndexKey, checkpointKey } from './keys';
import { readRecord, type RunStatus } from './runs';

/** 'last' and 'best' are replaced by each save; 'epoch' keeps one entry per epoch (upstream's save_period). */
export type CheckpointKind = 'last' | 'best' | 'epoch';

export interface CheckpointMeta {
  /** Training epoch the weights are from (upstream's ckpt['epoch']); -1 for a stripped final file. */
  epoch: number;
  /** Anything else the studio wants to show (fitness, mAP, backend...), stored as given. */
  [key: string]: unknown;
}

export interface CheckpointEntry {
  /** 'last' | 'best' | 'epoch-<n>': the argument of readCheckpoint / deleteCheckpoint. */
  id: string;
  kind: CheckpointKind;
  epoch: number;
  size: number;
  savedAt: number;
  meta: CheckpointMeta;
}

const ENTRY_ID = /^(last|best|epoch-\d+)$/;

export function entryIdOf(runId: string, kind: CheckpointKind, epoch: number): string {
  if (kind === 'epoch') {
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new StorageError('bad_checkpoint', `run ${runId}: an 'epoch' checkpoint needs meta.epoch >= 0, got ${epoch}`);
    }
    return `epoch-${epoch}`;
  }
  if (kind !== 'last' && kind !== 'best') {
    throw new StorageError('bad_checkpoint', `run ${runId}: checkpoint kind ${JSON.stringify(kind)} is not last, best or epoch`);
  }
  if (!Number.isInteger(epoch) || epoch < -1) {
    throw new StorageError('bad_checkpoint', `run ${runId}: checkpoint meta.epoch ${epoch} is not an integer >= -1`);
  }
  return kind;
}

function checkEntryId(runId: string, entryId: string): void {
  if (!ENTRY_ID.test(entryId)) {
    throw new StorageError('bad_checkpoint', `run ${runId}: checkpoint ${JSON.stringify(entryId)} is not last, best or epoch-<n>`);
  }
}

async function readEntries(store: IDBObjectStore, runId: string): Promise<CheckpointEntry[]> {
  return ((await req(store.get(checkpointIndexKey(runId)))) as CheckpointEntry[] | undefined) ?? [];
}

const ORDER: Record<CheckpointKind, number> = { last: 0, best: 1, epoch: 2 };

/** Sorts entries in place as a run lists them: last, best, then epoch-<n> in epoch order. */
export function sortEntries(entries: CheckpointEntry[]): CheckpointEntry[] {
  return entries.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.epoch - b.epoch);
}

/** Stores a checkpoint of an existing run, replacing the entry with the same id. */
export async function saveCheckpoint(
  db: StudioDb,
  runId: string,
  kind: CheckpointKind,
  bytes: Uint8Array | Blob,
  meta: CheckpointMeta,
): Promise<CheckpointEntry> {
  checkId(runId, 'run');
  const id = entryIdOf(runId, kind, meta?.epoch);
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const entry: CheckpointEntry = { id, kind, epoch: meta.epoch, size: blob.size, savedAt: db.now(), meta: { ...meta } };
  try {
    await transact(db, 'readwrite', async (store) => {
      await readRecord(store, runId); // no checkpoints for a run that does not exist (or was just deleted)
      const entries = (await readEntries(store, runId)).filter((e) => e.id !== id);
      entries.push(entry);
      sortEntries(entries);
      store.put(blob, checkpointKey(runId, id));
      store.put(entries, checkpointIndexKey(runId));
    });
  } catch (err) {
    if (!isQuotaError(err)) throw err;
    const est = (await storageEstimate().catch(() => undefined)) ?? {};
    throw new StorageQuotaError(
      `browser storage is full: checkpoint ${id} of run ${runId} (${(blob.size / 1048576).toFixed(1)} MB) was not saved; ` +
        'the previous one is kept. Delete old runs or epoch checkpoints to free space.',
      est,
    );
  }
  return entry;
}

/** The entries of a run: last, best, then epoch-<n> in epoch order. */
export async function listCheckpoints(db: StudioDb, runId: string): Promise<CheckpointEntry[]> {
  checkId(runId, 'run');
  return transact(db, 'readonly', async (store) => {
    await readRecord(store, runId);
    return readEntries(store, runId);
  });
}

/** One checkpoint's entry and bytes (read them with `new Uint8Array(await blob.arrayBuffer())`). */
export async function readCheckpoint(db: StudioDb, runId: string, entryId: string): Promise<{ entry: CheckpointEntry; blob: Blob }> {
  checkId(runId, 'run');
  checkEntryId(runId, entryId);
  const found = await transact(db, 'readonly', async (store) => {
    const entry = (await readEntries(store, runId)).find((e) => e.id === entryId);
    const blob: unknown = entry ? await req(store.get(checkpointKey(runId, entryId))) : undefined;
    return { entry, blob };
  });
  if (!found.entry || !(found.blob instanceof Blob)) {
    throw new StorageError('not_found', `run ${runId} has no checkpoint ${entryId}`, checkpointKey(runId, entryId));
  }
  return { entry: found.entry, blob: found.blob };
}

/**
 * Why a checkpoint must stay, or null when it may be deleted. While a run trains (status running / paused, also
 * when another tab trains it) its last.pt and best.pt are rewritten by that training and kept for its final strip;
 * a run that could still resume (interrupted, stopped, failed: anything not 'done') resumes from its unstripped
 * last.pt, which only deleting the whole run removes. epochN.pt files are never needed again once written.
 */
export function checkpointProtection(status: RunStatus, entry: Pick<CheckpointEntry, 'kind' | 'epoch'>): string | null {
  if ((status === 'running' || status === 'paused') && entry.kind !== 'epoch') {
    return `${entry.kind}.pt is written by this run's training`;
  }
  if (entry.kind === 'last' && entry.epoch >= 0 && status !== 'done') {
    return `last.pt is where this run resumes from (epoch ${entry.epoch + 2}); delete the run to remove it`;
  }
  return null;
}

/** Deletes entries and bytes of `ids` in the caller's transaction, after checking each may go. Returns bytes freed. */
async function removeEntries(store: IDBObjectStore, runId: string, ids: readonly string[]): Promise<number> {
  const { status } = await readRecord(store, runId);
  const entries = await readEntries(store, runId);
  let bytes = 0;
  for (const entryId of ids) {
    const entry = entries.find((e) => e.id === entryId);
    if (!entry) throw new StorageError('not_found', `run ${runId} has no checkpoint ${entryId}`, checkpointKey(runId, entryId));
    const reason = checkpointProtection(status, entry);
    if (reason) throw new StorageError('protected', `run ${runId}: checkpoint ${entryId} is kept: ${reason}`, checkpointKey(runId, entryId));
    bytes += entry.size;
    store.delete(checkpointKey(runId, entryId));
  }
  store.put(
    entries.filter((e) => !ids.includes(e.id)),
    checkpointIndexKey(runId),
  );
  return bytes;
}

/**
 * Deletes one checkpoint (entry and bytes together). StorageError 'protected' for a checkpoint the run still needs
 * (see checkpointProtection); nothing is deleted then.
 */
export async function deleteCheckpoint(db: StudioDb, runId: string, entryId: string): Promise<void> {
  checkId(runId, 'run');
  checkEntryId(runId, entryId);
  await transact(db, 'readwrite', (store) => removeEntries(store, runId, [entryId]));
}

/**
 * Deletes every epochN.pt of a run in one transaction, keeping last.pt and best.pt. Resolves with the entry ids
 * deleted and the bytes they took (none: [] and 0).
 */
export async function pruneEpochCheckpoints(db: StudioDb, runId: string): Promise<{ deleted: string[]; bytes: number }> {
  checkId(runId, 'run');
  return transact(db, 'readwrite', async (store) => {
    const ids = (await readEntries(store, runId)).filter((e) => e.kind === 'epoch').map((e) => e.id);
    const bytes = await removeEntries(store, runId, ids);
    return { deleted: ids, bytes };
  });
}
