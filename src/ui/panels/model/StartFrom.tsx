// "Start from" of the Model panel: scratch, a dropped .pt, or any stored checkpoint (best / last / epochN of every
// stored run, cluster runs included), listed by run. The worker reads the chosen checkpoint from IndexedDB itself
// and tells the panel its classes.
import { useEffect, useState } from 'react';
import { checkpointFileName, type WeightsInfo } from '../../../protocol/modelSetup';
import { listCheckpoints, type CheckpointEntry } from '../../../storage';
import { studioDb } from '../../db';
import { useStudio } from '../../store';
import { currentWeightsSource } from '../../store/trainConfig';
import type { RunListEntry, StoredWeights } from '../../store/types';
import { trainerClient } from '../../trainerClient';
import './model.css';

interface RunCheckpoints {
  run: RunListEntry;
  entries: CheckpointEntry[];
}

const refValue = (runId: string, entryId: string) => `stored:${runId}/${entryId}`;

/** The stored checkpoints of every run, re-read when the runs list changes (a run finished, was imported or deleted). */
function useStoredCheckpoints(runs: RunListEntry[]): RunCheckpoints[] | null {
  const [list, setList] = useState<RunCheckpoints[] | null>(null);
  const stamp = runs.map((r) => `${r.id}:${r.status}:${r.updatedAt}`).join('|');
  useEffect(() => {
    let current = true;
    void Promise.all(
      runs.map(async (run) => ({ run, entries: await listCheckpoints(studioDb(), run.id).catch((): CheckpointEntry[] => []) })),
    ).then((l) => {
      if (current) setList(l.filter((r) => r.entries.length > 0));
    });
    return () => {
      current = false;
    };
  }, [stamp]); // `stamp` stands for `runs`: a new array of the same runs needs no re-read
  return list;
}

/** The chosen starting checkpoint's classes and architecture, read in the worker. */
function useWeightsInfo(weights: File | null, stored: StoredWeights | null): { info?: WeightsInfo; error?: string } | null {
  const key = weights ? `file:${weights.name}:${weights.size}:${weights.lastModified}` : stored ? refValue(stored.runId, stored.entryId) : '';
  const [state, setState] = useState<{ key: string; info?: WeightsInfo; error?: string } | null>(null);
  useEffect(() => {
    if (!key) return;
    let current = true;
    trainerClient()
      .inspectWeights(currentWeightsSource({ weights, storedWeights: stored }))
      .then(
        (info) => current && setState({ key, info }),
        (err: unknown) => current && setState({ key, error: err instanceof Error ? err.message : String(err) }),
      );
    return () => {
      current = false;
    };
  }, [key]); // `key` names weights / stored
  return state && state.key === key ? state : null;
}

function entryLabel(e: CheckpointEntry): string {
  const when = e.epoch < 0 ? 'final' : `after epoch ${e.epoch + 1}`;
  return `${checkpointFileName(e.id)} · ${when}${e.meta.source === 'upstream' ? ' · cluster' : ''}`;
}

function infoLine(info: WeightsInfo, datasetNc: number | undefined): string {
  const names = info.names.length > 8 ? `${info.names.slice(0, 8).join(', ')}, …` : info.names.join(', ');
  const parts = [
    `${info.nc} class${info.nc === 1 ? '' : 'es'}: ${names}`,
    info.yamlFile || 'own architecture',
    `${(info.parameters / 1e6).toFixed(2)}M parameters`,
    info.epoch < 0 ? 'final weights' : `training checkpoint after epoch ${info.epoch + 1}`,
  ];
  if (datasetNc !== undefined && datasetNc !== info.nc) parts.push(`your dataset has ${datasetNc}: the detection head is rebuilt for them`);
  return parts.join(' · ');
}

export function StartFrom({ disabled }: { disabled: boolean }) {
  const weights = useStudio((s) => s.weights);
  const stored = useStudio((s) => s.storedWeights);
  const runs = useStudio((s) => s.runs);
  const datasetNc = useStudio((s) => s.datasets.find((d) => d.id === s.selectedDatasetId)?.nc);
  const { setWeights, setStoredWeights } = useStudio.getState();
  const catalog = useStoredCheckpoints(runs);
  const details = useWeightsInfo(weights, stored);

  // A chosen checkpoint whose run (or entry) was deleted meanwhile falls back to scratch.
  useEffect(() => {
    if (!stored || !catalog) return;
    const found = catalog.some((r) => r.run.id === stored.runId && r.entries.some((e) => e.id === stored.entryId));
    if (!found) setStoredWeights(null);
  }, [stored, catalog, setStoredWeights]);

  const value = weights ? 'file' : stored ? refValue(stored.runId, stored.entryId) : 'scratch';
  const choose = (v: string) => {
    if (v === 'scratch') {
      setWeights(null);
      setStoredWeights(null);
      return;
    }
    for (const { run, entries } of catalog ?? []) {
      const e = entries.find((x) => refValue(run.id, x.id) === v);
      if (e) setStoredWeights({ runId: run.id, entryId: e.id, runName: run.name });
    }
  };

  return (
    <>
      <label htmlFor="start-from">Start from</label>
      <div className="row">
        <select id="start-from" data-testid="start-from" value={value} disabled={disabled} onChange={(e) => choose(e.target.value)}>
          <option value="scratch">scratch (random weights)</option>
          {weights && <option value="file">{weights.name} (file)</option>}
          {catalog?.map(({ run, entries }) => (
            <optgroup key={run.id} label={run.name}>
              {entries.map((e) => <option key={e.id} value={refValue(run.id, e.id)}>{entryLabel(e)}</option>)}
            </optgroup>
          ))}
        </select>
        <label className="link" style={{ color: 'var(--accent)', cursor: 'pointer' }}>
          or a .pt…
          <input
            id="weights" type="file" accept=".pt" hidden disabled={disabled}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = ''; // the same file picked again still fires a change
              if (f) setWeights(f);
            }}
          />
        </label>
      </div>
      {(weights || stored) && (
        <div className="weights-info" data-testid="weights-info" data-nc={details?.info?.nc ?? ''}>
          {!details ? 'Reading the checkpoint…' : details.error ? <span className="error">{details.error}</span> : infoLine(details.info!, datasetNc)}
        </div>
      )}
      <div className="hint">
        {weights || stored
          ? 'Matching layers are copied from the checkpoint (the log says how many: "Transferred N/M items"); the detection head is rebuilt for your classes.'
          : 'A YOLOv5 .pt (e.g. upstream yolov5n.pt) or a run stored here trains much faster than scratch.'}
      </div>
    </>
  );
}
