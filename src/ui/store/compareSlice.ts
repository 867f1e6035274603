// Runs ticked for comparison: their stored per-epoch rows, read once when ticked (a past run's rows no longer change),
// dropped when the run is unticked or deleted.
import type { EpochRow } from '../../core/train/results';
import { fromStoredRow } from '../../protocol/metrics';
import { readEpochMetrics } from '../../storage';
import { studioDb } from '../db';
import type { CompareSlice, Slice } from './types';

export const createCompareSlice: Slice<CompareSlice> = (set, get, api) => {
  api.subscribe((s, prev) => {
    if (s.runs === prev.runs) return;
    const ids = s.compareIds.filter((id) => s.runs.some((r) => r.id === id));
    if (ids.length !== s.compareIds.length) set({ compareIds: ids, compareRows: pick(s.compareRows, ids) });
  });

  return {
    compareIds: [],
    compareRows: {},

    toggleCompare: async (runId) => {
      if (get().compareIds.includes(runId)) {
        const ids = get().compareIds.filter((id) => id !== runId);
        set({ compareIds: ids, compareRows: pick(get().compareRows, ids) });
        return;
      }
      // Ticked at once (the checkbox follows the click); the line appears when its rows are read.
      set({ compareIds: [...get().compareIds, runId] });
      try {
        const rows = (await readEpochMetrics(studioDb(), runId)).map(fromStoredRow);
        if (get().compareIds.includes(runId)) set({ compareRows: { ...get().compareRows, [runId]: rows } });
      } catch {
        set({ compareIds: get().compareIds.filter((id) => id !== runId) }); // deleted meanwhile: nothing to draw
      }
    },
  };
};

function pick(rows: Record<string, EpochRow[]>, ids: string[]): Record<string, EpochRow[]> {
  return Object.fromEntries(ids.filter((id) => rows[id]).map((id) => [id, rows[id]]));
}
