// Runs: starting one in the worker, pause / resume / stop, the live series the charts draw (fed by worker events),
// and the stored runs list with "Resume from epoch N" for runs a closed tab or a crash interrupted.
import type { RunMessage } from '../trainerClient';
import { trainerClient } from '../trainerClient';
import { fromStoredRow } from '../../protocol/metrics';
import { runLockName, type TrainConfig } from '../../protocol/messages';
import { deleteRun, getRun, listCheckpoints, listRuns, readEpochMetrics, updateRun, type RunSummary } from '../../storage';
import { studioDb } from '../db';
import { applyRunMessage, phaseOnControl } from './runEvents';
import { batchRunMessages } from './runMessageBatch';
import { storedValidation } from './runHistory';
import { currentTrainConfig, currentWeightsSource, modelLabel } from './trainConfig';
import type { RunListEntry, RunSlice, RunView, Slice } from './types';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function newRunId(): string {
  const rnd = crypto.getRandomValues(new Uint8Array(4));
  return `run-${Date.now().toString(36)}-${Array.from(rnd, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function emptyView(runId: string, name: string, live: boolean): RunView {
  return {
    runId, name, phase: live ? 'starting' : 'done', live, epoch: 0, epochs: 0, batch: 0, nb: 0, itPerSec: 0, imgsPerSec: 0,
    startEpoch: 0, loss: [], lr: [], rows: [], perClass: [], checkpoints: [], logs: [],
  };
}

/** Names of the Web Locks held anywhere in this origin (every tab), or null where Web Locks do not exist. */
async function heldLocks(): Promise<Set<string> | null> {
  if (!navigator.locks?.query) return null;
  const snapshot = await navigator.locks.query();
  return new Set((snapshot.held ?? []).map((l) => l.name ?? ''));
}

/** A 'running' or 'paused' run nobody holds the lock of was cut off (tab closed, crash): mark it interrupted. */
async function markInterrupted(runs: RunSummary[], liveRunId: string | undefined): Promise<RunSummary[]> {
  const held = await heldLocks();
  if (!held) return runs;
  const out: RunSummary[] = [];
  for (const r of runs) {
    const orphan = (r.status === 'running' || r.status === 'paused') && r.id !== liveRunId && !held.has(runLockName(r.id));
    out.push(orphan ? await updateRun(studioDb(), r.id, { status: 'interrupted' }) : r);
  }
  return out;
}

/**
 * Adds what "Resume from epoch N" needs to runs that could continue (an unstripped last.pt short of the end): cut
 * off by a reload or crash, failed, or stopped by the user (Stop keeps last.pt unstripped, as a resumable run).
 */
async function withResumeInfo(r: RunSummary): Promise<RunListEntry> {
  if (r.status !== 'interrupted' && r.status !== 'failed' && r.status !== 'stopped') return r;
  try {
    const last = (await listCheckpoints(studioDb(), r.id)).find((e) => e.id === 'last');
    const epochs = ((await getRun(studioDb(), r.id)).config as TrainConfig).options.epochs;
    if (!last || last.epoch < 0 || last.epoch + 1 >= epochs) return { ...r, epochs };
    return { ...r, epochs, resumeEpoch: last.epoch + 1 };
  } catch {
    return r;
  }
}

export const createRunSlice: Slice<RunSlice> = (set, get) => {
  // Steps arrive batched (runMessageBatch.ts): one store update for all of them keeps re-renders to ~10 a second.
  trainerClient().onRunMessage(batchRunMessages((batch: RunMessage[]) => {
    const before = get().view;
    let view = before;
    for (const msg of batch) if (view && view.runId === msg.runId) view = applyRunMessage(view, msg);
    if (view !== before) set({ view });
    for (const msg of batch) {
      if (view?.runId !== msg.runId) continue;
      if (msg.type === 'checkpoint' || msg.type === 'runStarted') void get().refreshCheckpoints();
      if (msg.type === 'done' || msg.type === 'error' || msg.type === 'runStarted') void get().refreshRuns();
    }
  }));

  return {
    runs: [],
    view: null,

    startTraining: () => {
      const s = get();
      if (!s.selectedDatasetId || s.view?.live) return;
      const dataset = s.datasets.find((d) => d.id === s.selectedDatasetId);
      const runId = newRunId();
      const name = `exp${s.runs.length + 1} · ${modelLabel(s)} · ${dataset?.name ?? 'dataset'}`;
      const config = currentTrainConfig(s);
      set({ view: { ...emptyView(runId, name, true), epochs: s.options.epochs } });
      trainerClient().start({
        runId, name, datasetId: s.selectedDatasetId, config, backend: s.backendPref, ...currentWeightsSource(s),
      });
    },

    control: (action) => {
      const view = get().view;
      if (!view?.live) return;
      const phase = phaseOnControl(view.phase, action);
      if (phase !== view.phase) set({ view: { ...view, phase } });
      trainerClient().control(action, view.runId);
    },

    resumeRun: async (runId) => {
      if (get().view?.live) return;
      const record = await getRun(studioDb(), runId);
      const config = record.config as TrainConfig;
      const view = emptyView(runId, record.name, true);
      view.rows = (await readEpochMetrics(studioDb(), runId)).map(fromStoredRow);
      view.epochs = config.options.epochs;
      Object.assign(view, await storedValidation(runId)); // shown until the resumed run's first validation
      set({ view });
      trainerClient().start({
        runId, name: record.name, datasetId: record.datasetId ?? '', config, backend: get().backendPref, resume: true,
      });
    },

    openRun: async (runId) => {
      if (get().view?.live) return;
      try {
        const record = await getRun(studioDb(), runId);
        const view = emptyView(runId, record.name, false);
        view.phase = record.status;
        view.rows = (await readEpochMetrics(studioDb(), runId)).map(fromStoredRow);
        view.epochs = (record.config as TrainConfig).options.epochs;
        view.epoch = Math.max(0, record.lastEpoch);
        Object.assign(view, await storedValidation(runId));
        if (record.note) view.logs = [{ level: record.status === 'failed' ? 'error' : 'info', text: record.note }];
        set({ view });
        await get().refreshCheckpoints();
      } catch (err) {
        set({ view: { ...emptyView(runId, runId, false), phase: 'failed', error: { name: 'Error', message: message(err), code: 'UNEXPECTED' } } });
      }
    },

    deleteRun: async (runId) => {
      if (get().view?.live && get().view?.runId === runId) return;
      await deleteRun(studioDb(), runId);
      if (get().view?.runId === runId) set({ view: null });
      await get().refreshRuns();
    },

    refreshRuns: async () => {
      const live = get().view;
      const stored = await markInterrupted(await listRuns(studioDb()), live?.live ? live.runId : undefined);
      const runs = await Promise.all(stored.map(withResumeInfo));
      set({ runs });
    },

    refreshCheckpoints: async () => {
      const view = get().view;
      if (!view) return;
      const checkpoints = await listCheckpoints(studioDb(), view.runId).catch(() => []);
      const now = get().view;
      if (now?.runId === view.runId) set({ view: { ...now, checkpoints } });
    },
  };
};
