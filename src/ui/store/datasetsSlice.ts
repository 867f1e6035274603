// Stored datasets: the list (read straight from IndexedDB), the selection, the built-in sample (generated in the
// worker), rename and delete.
import { deleteDataset, listDatasets, renameDataset } from '../../storage';
import { studioDb } from '../db';
import { trainerClient } from '../trainerClient';
import type { DatasetsSlice, Slice } from './types';

/** Seed of the built-in sample dataset: everyone's first dataset is the same one. */
export const SAMPLE_SEED = 0;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const createDatasetsSlice: Slice<DatasetsSlice> = (set, get) => ({
  datasets: [],
  selectedDatasetId: null,
  sample: { busy: false, done: 0, total: 0 },
  datasetError: null,
  importing: null,
  lastImport: null,

  importFiles: async (files) => {
    if (get().importing) return;
    set({ importing: { id: -1, phase: 'reading', done: 0, total: files.length }, datasetError: null, lastImport: null });
    try {
      const summary = await trainerClient().importFiles(
        files,
        (phase, done, total, unit) => set({ importing: { ...get().importing!, phase, done, total, unit } }),
        (id) => set({ importing: { ...get().importing!, id } }),
      );
      set({ lastImport: summary, selectedDatasetId: summary.datasetId });
    } catch (err) {
      const code = (err as { code?: string }).code;
      set({ datasetError: code === 'import_aborted' ? 'Import cancelled: nothing was stored.' : `Import failed: ${message(err)}` });
    } finally {
      set({ importing: null });
    }
    await get().loadDatasets();
  },

  cancelImport: () => {
    const importing = get().importing;
    if (importing && importing.id >= 0) trainerClient().cancelImport(importing.id);
  },

  loadDatasets: async () => {
    try {
      const datasets = await listDatasets(studioDb());
      const selected = get().selectedDatasetId;
      const keep = datasets.some((d) => d.id === selected);
      set({ datasets, selectedDatasetId: keep ? selected : (datasets.at(-1)?.id ?? null) });
    } catch (err) {
      set({ datasetError: `Could not read stored datasets: ${message(err)}` });
    }
  },

  createSample: async () => {
    if (get().sample.busy) return;
    set({ sample: { busy: true, done: 0, total: 0 }, datasetError: null });
    try {
      const id = await trainerClient().createSample(SAMPLE_SEED, (done, total) => set({ sample: { busy: true, done, total } }));
      set({ sample: { busy: false, done: 0, total: 0 }, selectedDatasetId: id });
      await get().loadDatasets();
    } catch (err) {
      set({ sample: { busy: false, done: 0, total: 0, error: message(err) } });
    }
  },

  selectDataset: (id) => set({ selectedDatasetId: id }),

  renameDataset: async (id, name) => {
    try {
      await renameDataset(studioDb(), id, name);
    } catch (err) {
      set({ datasetError: message(err) });
    }
    await get().loadDatasets();
  },

  deleteDataset: async (id) => {
    try {
      await deleteDataset(studioDb(), id);
      if (get().selectedDatasetId === id) set({ selectedDatasetId: null });
    } catch (err) {
      set({ datasetError: message(err) });
    }
    await get().loadDatasets();
  },
});
