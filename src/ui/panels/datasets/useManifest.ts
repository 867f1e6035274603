// The selected dataset's manifest (labels of every image, report, stats), read once per dataset from IndexedDB.
// Re-read when the dataset list changes (a rename rewrites the manifest; a delete removes it).
import { useEffect, useState } from 'react';
import { getManifest, type DatasetManifest, type DatasetSummary } from '../../../storage';
import { studioDb } from '../../db';

export type ManifestState = { kind: 'none' } | { kind: 'loading' } | { kind: 'ready'; manifest: DatasetManifest } | { kind: 'error'; message: string };

export function useManifest(id: string | null, datasets: readonly DatasetSummary[]): ManifestState {
  const [state, setState] = useState<ManifestState>({ kind: 'none' });
  const listed = datasets.find((d) => d.id === id);
  // Name included so a rename refreshes the header; createdAt guards against an id reused after a delete.
  const version = listed ? `${listed.id}|${listed.name}|${listed.createdAt}` : null;
  useEffect(() => {
    if (!id || !version) {
      setState({ kind: 'none' });
      return;
    }
    let live = true;
    setState((s) => (s.kind === 'ready' && s.manifest.id === id ? s : { kind: 'loading' }));
    getManifest(studioDb(), id).then(
      (manifest) => live && setState({ kind: 'ready', manifest }),
      (err: unknown) => live && setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [id, version]);
  return state;
}
