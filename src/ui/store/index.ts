// The studio's one zustand store, assembled from slices. Settings (model, hyperparameters, options, backend choice,
// selected dataset) survive a reload through localStorage; datasets and runs live in IndexedDB and are re-read.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createBackendSlice } from './backendSlice';
import { createCompareSlice } from './compareSlice';
import { createConfigSlice } from './configSlice';
import { createDatasetsSlice } from './datasetsSlice';
import { createRunSlice } from './runSlice';
import { createStorageSlice } from './storageSlice';
import type { Studio } from './types';

export const useStudio = create<Studio>()(
  persist(
    (...a) => ({
      ...createBackendSlice(...a),
      ...createDatasetsSlice(...a),
      ...createConfigSlice(...a),
      ...createRunSlice(...a),
      ...createStorageSlice(...a),
      ...createCompareSlice(...a),
    }),
    {
      name: 'yolo-studio:settings',
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({
        model: s.model, customModel: s.customModel, hypPreset: s.hypPreset, hyp: s.hyp, options: s.options, backendPref: s.backendPref,
        selectedDatasetId: s.selectedDatasetId,
      }),
      // Options saved by an older version may lack newer keys: keep the defaults for those.
      merge: (saved, current) => {
        const s = (saved ?? {}) as Partial<Studio>;
        return { ...current, ...s, options: { ...current.options, ...s.options }, hyp: s.hyp ?? current.hyp };
      },
    },
  ),
);

export type { Studio } from './types';
