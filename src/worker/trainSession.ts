// One training run in the worker: holds the run's Web Lock (a second tab cannot train the same run), reads the
// dataset from IndexedDB, runs core/train, writes the run record, metrics rows and checkpoints to storage itself,
// and posts throttled events that carry storage keys, never weights.
import { validateHyp } from '../core/config/hypYaml';
import { isHypPresetName } from '../core/config/hyps';
import { validateTrainOptions, type TrainOptions } from '../core/config/trainOptions';
import { modelConfig } from '../core/model/configs';
import { train } from '../core/train';
import type { TrainEvent, TrainInputs, WeightsFile } from '../core/train/types';
import { toStoredRow } from '../protocol/metrics';
import { runLockName, toPlainError, type FromWorker, type RunState, type ToWorker, type TrainConfig } from '../protocol/messages';
import { toValAnalytics } from './valAnalytics';
import {
  appendEpochMetrics, getRun, readCheckpoint, saveCheckpoint, saveRun, updateRun, type StudioDb,
} from '../storage';
import type { BackendHolder, Ready } from './backendChoice';
import { readTrainData } from './datasetReader';

export type StartMessage = Extract<ToWorker, { type: 'start' }>;

export class TrainSessionError extends Error {
  override name = 'TrainSessionError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface LockManager {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export class TrainSession {
  private state: RunState = 'running';
  /** Resolves the pending control() promise of a paused run. */
  private wake: (() => void) | null = null;
  /** What the epoch analytics need beyond the ValResult: the dataset (gallery image blobs) and the class names. */
  private analyticsCtx = { datasetId: '', names: [] as readonly string[] };

  constructor(
    readonly runId: string,
    private readonly db: StudioDb,
    private readonly post: (msg: FromWorker) => void,
  ) {}

  pause(): void {
    if (this.state !== 'running') return;
    this.setState('paused');
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.setState('running');
  }

  stop(): void {
    if (this.state === 'stopping') return;
    this.setState('stopping');
  }

  get stopRequested(): boolean {
    return this.state === 'stopping';
  }

  private setState(state: RunState): void {
    this.state = state;
    this.post({ type: 'runState', runId: this.runId, state });
    const wake = this.wake;
    this.wake = null;
    wake?.();
    if (state !== 'stopping') void updateRun(this.db, this.runId, { status: state }).catch(() => undefined);
  }

  /** Asked by the training loop between batches: a paused run waits here without burning the CPU. */
  private readonly control = (): 'go' | 'stop' | Promise<'go' | 'stop'> => {
    if (this.state === 'stopping') return 'stop';
    if (this.state === 'running') return 'go';
    return new Promise((resolve) => {
      // Woken by the next state change: resumed (go) or stopped.
      this.wake = () => resolve(this.state === 'stopping' ? 'stop' : 'go');
    });
  };

  /** Runs the whole session under the run's Web Lock; throws when another tab holds it. */
  async run(msg: StartMessage, backends: BackendHolder): Promise<void> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (!locks) return this.train(msg, backends);
    await locks.request(runLockName(msg.runId), { ifAvailable: true }, async (lock) => {
      if (!lock) throw new TrainSessionError('run_locked', `run "${msg.name}" is already training in another tab`);
      await this.train(msg, backends);
    });
  }

  private async train(msg: StartMessage, backends: BackendHolder): Promise<void> {
    const { db, runId } = this;
    let config: TrainConfig = msg.config;
    let datasetId = msg.datasetId;
    let weights: WeightsFile | undefined;
    let startEpoch = 0;
    if (msg.resume) {
      const record = await getRun(db, runId);
      config = record.config as TrainConfig;
      if (!record.datasetId) throw new TrainSessionError('no_dataset', `run "${record.name}" has no dataset to resume on`);
      datasetId = record.datasetId;
      const { entry, blob } = await readCheckpoint(db, runId, 'last');
      if (entry.epoch < 0) throw new TrainSessionError('not_resumable', `run "${record.name}" finished: its last.pt is the final, stripped one`);
      weights = { bytes: new Uint8Array(await blob.arrayBuffer()), fileName: 'last.pt' };
      startEpoch = entry.epoch + 1;
    } else if (msg.weights) {
      weights = { bytes: new Uint8Array(await msg.weights.arrayBuffer()), fileName: msg.weights.name };
    }

    const ready = await backends.ensure(msg.backend);
    const { data, manifest } = await readTrainData(db, datasetId);
    const hyp = validateHyp(config.hyp as unknown as Record<string, unknown>, 'hyperparameters');
    const { options, warnings } = validateTrainOptions({
      ...config.options,
      // opt as upstream saves it: names of the model, weights, data and hyp the run came from.
      cfg: msg.resume || weights ? '' : `${config.model}.yaml`,
      weights: config.weightsName ?? '',
      data: manifest.name,
      hyp: isHypPresetName(config.hypPreset) ? config.hypPreset : 'hyp.yaml',
      resume: Boolean(msg.resume),
      name: msg.name,
    } satisfies Partial<TrainOptions>);

    if (msg.resume) await updateRun(db, runId, { status: 'running' });
    else await saveRun(db, { id: runId, name: msg.name, datasetId, config, status: 'running' });
    this.post({
      type: 'runStarted', runId, backend: ready.backend, adapter: ready.adapter, isFallbackAdapter: ready.isFallbackAdapter,
      threads: ready.threads, startEpoch, epochs: options.epochs, trainImages: data.train.length, valImages: data.val.length,
    });
    for (const text of warnings) this.post({ type: 'log', runId, level: 'warning', text });

    this.analyticsCtx = { datasetId, names: options.single_cls ? ['item'] : data.names };
    const inputs: TrainInputs = {
      options, hyp, data, weights, resume: Boolean(msg.resume), control: this.control,
      // A dropped .pt (or last.pt) brings its own architecture, as upstream's --weights without --cfg.
      cfg: weights ? undefined : modelConfig(config.model),
    };
    try {
      for await (const ev of train(inputs)) await this.handle(ev, ready, options.batch_size);
    } catch (err) {
      const note = `${toPlainError(err).name}: ${toPlainError(err).message}`;
      await updateRun(db, runId, { status: 'failed', note }).catch(() => undefined);
      throw err;
    }
  }

  private async handle(ev: TrainEvent, ready: Ready, batchSize: number): Promise<void> {
    const { db, runId, post } = this;
    switch (ev.type) {
      case 'log':
      case 'warning':
        post({ type: 'log', runId, level: ev.type === 'log' ? 'info' : 'warning', text: ev.text });
        return;
      case 'step':
        post({
          type: 'step', runId, epoch: ev.epoch, epochs: ev.epochs, batch: ev.batch, nb: ev.nb, mloss: ev.mloss, lr: ev.lr,
          itPerSec: ev.itPerSec, imgsPerSec: ev.itPerSec * batchSize,
        });
        return;
      case 'epoch': {
        await appendEpochMetrics(db, runId, toStoredRow(ev.row));
        const perClass = (ev.val?.perClass ?? []).map((c) => ({ ...c }));
        const { datasetId, names } = this.analyticsCtx;
        const analytics = ev.val ? toValAnalytics(ev.val, names, datasetId) : undefined;
        post({ type: 'epoch', runId, row: ev.row, fitness: ev.fitness, bestFitness: ev.bestFitness, isBest: ev.isBest, perClass, analytics });
        return;
      }
      case 'checkpoint': {
        const entry = await saveCheckpoint(db, runId, ev.kind, ev.bytes, { epoch: ev.epoch, backend: ready.backend });
        post({ type: 'checkpoint', runId, entryId: entry.id, kind: ev.kind, epoch: ev.epoch, size: entry.size });
        return;
      }
      case 'done': {
        const status = this.stopRequested ? 'stopped' : 'done';
        await updateRun(db, runId, { status, note: `${ev.epochsRun} epochs trained${ev.stoppedEarly && !this.stopRequested ? ' (early stopping)' : ''}` });
        const f = ev.final;
        post({ type: 'done', runId, status, epochsRun: ev.epochsRun, final: f ? { P: f.P, R: f.R, mAP50: f.mAP50, mAP50_95: f.mAP50_95 } : null });
        return;
      }
      default:
        throw new TypeError(`unknown train event ${(ev satisfies never as { type: unknown }).type}`);
    }
  }
}
