// Storage care: the one persistence request of the studio's first run, the numbers of the storage view (the studio's
// data per run and dataset, the origin's usage and quota) and pruning checkpoints. The numbers are re-read whenever
// the runs or datasets lists change (a run finished or was deleted, an import) and when the worker stores a checkpoint.
import {
  deleteCheckpoint, persistOnce, pruneEpochCheckpoints, storageEstimate, studioUsage, type PersistMemory,
} from '../../storage';
import { studioDb } from '../db';
import { trainerClient } from '../trainerClient';
import type { Slice, StorageSlice } from './types';

/** Where the answer to the persistence request is remembered, so the studio asks on its first run only. */
const PERSIST_KEY = 'yolo-studio:persist';

const memory: PersistMemory = {
  get: () => localStorage.getItem(PERSIST_KEY),
  set: (v) => localStorage.setItem(PERSIST_KEY, v),
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const createStorageSlice: Slice<StorageSlice> = (set, get, api) => {
  // Several triggers may come together (a checkpoint and the end of a run): one read at a time, one more after it.
  let reading: Promise<void> | null = null;
  let again = false;
  const refresh = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        try {
          const [usage, estimate] = await Promise.all([studioUsage(studioDb()), storageEstimate().catch(() => undefined)]);
          set({ storage: { ...get().storage, usage, estimate: estimate ?? null } });
        } catch (err) {
          set({ storage: { ...get().storage, error: `Could not read the storage sizes: ${message(err)}` } });
        }
      } while (again);
    })().finally(() => {
      reading = null;
    });
    return reading;
  };

  api.subscribe((s, prev) => {
    if (s.runs !== prev.runs || s.datasets !== prev.datasets) void refresh();
  });
  trainerClient().onRunMessage((msg) => {
    if (msg.type === 'checkpoint') void refresh();
  });

  /** After a prune: the numbers and the open run's files list follow. */
  const afterPrune = async (runId: string) => {
    if (get().view?.runId === runId) await get().refreshCheckpoints();
    await refresh();
  };

  return {
    storage: { usage: null, estimate: null, persisted: undefined, error: null },

    initStorageCare: async () => {
      const persisted = await persistOnce(memory).catch(() => undefined);
      set({ storage: { ...get().storage, persisted } });
      await refresh();
    },

    refreshStorage: refresh,

    pruneEpochCheckpoints: async (runId) => {
      set({ storage: { ...get().storage, error: null } });
      try {
        await pruneEpochCheckpoints(studioDb(), runId);
      } catch (err) {
        set({ storage: { ...get().storage, error: message(err) } });
      }
      await afterPrune(runId);
    },

    deleteCheckpoint: async (runId, entryId) => {
      set({ storage: { ...get().storage, error: null } });
      try {
        await deleteCheckpoint(studioDb(), runId, entryId);
      } catch (err) {
        set({ storage: { ...get().storage, error: message(err) } });
      }
      await afterPrune(runId);
    },
  };
};
