// Which tfjs backend the worker runs on, and the user's choice ('auto' unless forced in the run panel or with
// ?backend=...). Changing it re-initialises the worker's backend; a running training keeps the one it started on.
import { trainerClient } from '../trainerClient';
import type { BackendSlice, Slice } from './types';

export const createBackendSlice: Slice<BackendSlice> = (set) => ({
  backend: { kind: 'starting' },
  backendPref: 'auto',
  setBackendPref: (pref) => {
    set({ backendPref: pref, backend: { kind: 'starting' } });
    trainerClient().init(pref);
  },
});

/** One-line description of the backend for the header. */
export function describeBackend(state: BackendSlice['backend']): string {
  switch (state.kind) {
    case 'starting':
      return 'Backend: starting…';
    case 'failed':
      return `Backend failed: ${state.message}`;
    case 'ready': {
      const { backend, adapter, isFallbackAdapter, threads } = state.info;
      const details = [
        adapter,
        isFallbackAdapter ? 'software fallback adapter' : undefined,
        threads === undefined ? undefined : `${threads} thread${threads === 1 ? '' : 's'}`,
      ].filter(Boolean);
      return `Backend: ${backend}${details.length ? ` (${details.join(', ')})` : ''}`;
    }
    default:
      throw new TypeError(`unknown backend state ${(state satisfies never as { kind: unknown }).kind}`);
  }
}
