// The worker's run messages folded into the run view: a pure reducer, so each event is one immutable update the
// charts and the progress bar re-render from.
import type { RunMessage } from '../trainerClient';
import type { LossPoint, LrPoint, RunView } from './types';

/** Keeps at most `max` points: when full, every other point of the older half is dropped (recent ones stay dense). */
export function appendCapped<T>(series: T[], point: T, max: number): T[] {
  if (series.length < max) return [...series, point];
  const half = Math.floor(series.length / 2);
  return [...series.slice(0, half).filter((_, i) => i % 2 === 0), ...series.slice(half), point];
}

/**
 * The phase shown the moment the user presses a control, before the worker answers. A pause lands only at the next
 * batch boundary (or after the epoch's validation), so until the worker says 'paused' the view says 'pausing'; the
 * worker's own runState message replaces it. Other controls keep the phase (stop is acknowledged at once).
 */
export function phaseOnControl(phase: RunView['phase'], action: 'pause' | 'resume' | 'stop'): RunView['phase'] {
  return action === 'pause' && phase === 'running' ? 'pausing' : phase;
}

const MAX_POINTS = 600;
const MAX_LOGS = 300;

function log(view: RunView, level: RunView['logs'][number]['level'], text: string): RunView['logs'] {
  const logs = [...view.logs, { level, text }];
  return logs.length > MAX_LOGS ? logs.slice(-MAX_LOGS) : logs;
}

export function applyRunMessage(view: RunView, msg: RunMessage): RunView {
  switch (msg.type) {
    case 'runStarted': {
      const adapter = msg.backend === 'webgpu' ? ` (${msg.adapter ?? 'unknown adapter'}${msg.isFallbackAdapter ? ', software' : ''})` : '';
      const threads = msg.threads !== undefined ? `, ${msg.threads} thread${msg.threads === 1 ? '' : 's'}` : '';
      return {
        ...view, phase: 'running', backendLine: `${msg.backend}${adapter}${threads}`, startEpoch: msg.startEpoch,
        epoch: msg.startEpoch, epochs: msg.epochs,
        logs: log(view, 'info', `Training on ${msg.trainImages} train / ${msg.valImages} val images, epochs ${msg.startEpoch + 1} to ${msg.epochs}`),
      };
    }
    case 'runState':
      return { ...view, phase: msg.state };
    case 'log':
      return { ...view, logs: log(view, msg.level, msg.text) };
    case 'step': {
      const x = msg.epoch + (msg.batch + 1) / msg.nb;
      const loss: LossPoint = { x, box: msg.mloss[0], obj: msg.mloss[1], cls: msg.mloss[2] };
      const lr: LrPoint = { x, lr0: msg.lr[0], lr1: msg.lr[1], lr2: msg.lr[2] };
      return {
        ...view, epoch: msg.epoch, epochs: msg.epochs, batch: msg.batch, nb: msg.nb, itPerSec: msg.itPerSec,
        imgsPerSec: msg.imgsPerSec, loss: appendCapped(view.loss, loss, MAX_POINTS), lr: appendCapped(view.lr, lr, MAX_POINTS),
      };
    }
    case 'epoch': {
      const rows = [...view.rows.filter((r) => r.epoch < msg.row.epoch), msg.row];
      const [P, R, m50, m] = msg.row.metrics;
      const text = `epoch ${msg.row.epoch + 1}/${view.epochs}: P ${P.toFixed(3)} R ${R.toFixed(3)} mAP50 ${m50.toFixed(3)} mAP50-95 ${m.toFixed(3)}${msg.isBest ? ' (best so far)' : ''}`;
      // An epoch without validation (--noval) keeps the last validation's analytics on show.
      return { ...view, rows, perClass: msg.perClass, analytics: msg.analytics ?? view.analytics, logs: log(view, 'info', text) };
    }
    case 'checkpoint':
      return view; // the checkpoint list is re-read from storage by the slice
    case 'done': {
      const f = msg.final;
      const text = f
        ? `Finished: best.pt P ${f.P.toFixed(3)} R ${f.R.toFixed(3)} mAP50 ${f.mAP50.toFixed(3)} mAP50-95 ${f.mAP50_95.toFixed(3)}`
        : `Finished after ${msg.epochsRun} epochs`;
      return { ...view, phase: msg.status, live: false, final: msg.final, logs: log(view, 'info', text) };
    }
    case 'error':
      return {
        // A lost GPU device leaves the run resumable (worker/deviceLoss.ts): interrupted, not failed.
        ...view, phase: msg.error.code === 'device_lost' ? 'interrupted' : 'failed', live: false, error: msg.error,
        logs: log(view, 'error', `${msg.error.name} [${msg.error.code}]: ${msg.error.message}`),
      };
    default:
      throw new TypeError(`unknown run message ${(msg satisfies never as { type: unknown }).type}`);
  }
}
