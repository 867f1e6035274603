// One training run in the worker: holds the run's Web Lock (a second tab cannot train the same run), reads the
// dataset from IndexedDB, runs core/train, writes the run record, metrics rows and checkpoints to storage itself,
// and posts throttled events that carry storage keys, never weights.
import { validateHyp } from '../core/config/hypYaml';
import { isHypPresetName } from '../core/config/hyps';
import { validateTrainOptions, type TrainOptions } from '../core/config/trainOptions';
import { train } from '../core/train';
import type { TrainEvent, TrainInputs, WeightsFile } from '../core/train/types';
import { toStoredRow } from '../protocol/metrics';
import {
  runLockName, toPlainError, type BackendName, type FromWorker, type RunState, type ToWorker, type TrainConfig,
} from '../protocol/messages';
import { toValAnalytics } from './valAnalytics';
import { storeRunValidation } from './runValidation';
import { cfgOption } from '../protocol/modelSetup';
import { ncOverrideLine, trainModelConfig } from './modelYaml';
import { startWeights } from './startWeights';
import {
  appendEpochMetrics, getRun, readCheckpoint, saveCheckpoint, saveRun, updateRun, type StudioDb,
} from '../storage';
import type { BackendHolder, Ready } from './backendChoice';
import { GpuDeviceLostError } from './deviceLoss';
import { readTrainData } from './datasetReader';

export type StartMessage = Extract<ToWorker, { type: 'start' }>;

/** How long a WebGPU run's error waits for the device's `lost` promise before it is taken as a plain failure. */
const LOSS_GRACE_MS = 500;

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
  /** The backend this run computes on (known once it started). */
  private backend: BackendName | null = null;
  /** Set when the WebGPU device of this run is lost: the run ends at the next batch boundary. */
  private lost: GpuDeviceLostError | null = null;

  constructor(
    readonly runId: string,
    private readonly db: StudioDb,
    private readonly post: (msg: FromWorker) => void,
  ) {}

  /**
   * Takes effect at the training loop's next batch boundary; the run says 'paused' from there (control()), so a
   * paused run's checkpoints and analytics are those of the moment it stopped computing. Requested during the
   * last epoch's final batches, the run simply finishes.
   */
  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.setState('running');
  }

  stop(): void {
    if (this.state === 'stopping') return;
    this.setState('stopping');
  }

  /** The WebGPU device was lost: ends the run at the next batch boundary (a paused one at once). False: not ours. */
  deviceLost(reason: string): boolean {
    if (this.backend !== 'webgpu') return false;
    this.lost ??= new GpuDeviceLostError(reason);
    const wake = this.wake;
    this.wake = null;
    wake?.();
    return true;
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
    // Nothing more can run on a lost device: leave the loop (its finally frees the model) and end as interrupted.
    if (this.lost) throw this.lost;
    if (this.state === 'stopping') return 'stop';
    if (this.state === 'running') return 'go';
    this.setState('paused'); // the loop waits from here on: tell the UI (and the stored run) now
    return new Promise((resolve, reject) => {
      // Woken by the next state change (resumed: go, stopped: stop) or by a lost device.
      this.wake = () => (this.lost ? reject(this.lost) : resolve(this.state === 'stopping' ? 'stop' : 'go'));
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
    } else {
      // A dropped .pt or a stored checkpoint (read from IndexedDB here); none: from scratch.
      weights = await startWeights(db, msg);
    }
    // A resumed run rebuilds its last.pt's own model; a bad custom yaml fails here, before a run is recorded.
    const cfg = msg.resume ? undefined : trainModelConfig(config, Boolean(weights));

    const ready = await backends.ensure(msg.backend);
    this.backend = ready.backend;
    const { data, manifest } = await readTrainData(db, datasetId);
    const hyp = validateHyp(config.hyp as unknown as Record<string, unknown>, 'hyperparameters');
    const { options, warnings } = validateTrainOptions({
      ...config.options,
      // opt as upstream saves it: names of the model, weights, data and hyp the run came from.
      cfg: cfgOption(config, Boolean(msg.resume || weights)),
      weights: config.weightsName ?? '',
      data: manifest.name,
      hyp: isHypPresetName(config.hypPreset) ? config.hypPreset : 'hyp.yaml',
      resume: Boolean(msg.resume),
      name: msg.name,
    } satisfies Partial<TrainOptions>);

    // A resumed run's note (why it stopped last time) no longer applies.
    if (msg.resume) await updateRun(db, runId, { status: 'running', note: '' });
    else await saveRun(db, { id: runId, name: msg.name, datasetId, config, status: 'running' });
    this.post({
      type: 'runStarted', runId, backend: ready.backend, adapter: ready.adapter, isFallbackAdapter: ready.isFallbackAdapter,
      threads: ready.threads, startEpoch, epochs: options.epochs, trainImages: data.train.length, valImages: data.val.length,
    });
    for (const text of warnings) this.post({ type: 'log', runId, level: 'warning', text });
    const ncLine = ncOverrideLine(cfg, options.single_cls ? 1 : data.names.length);
    if (ncLine) this.post({ type: 'log', runId, level: 'info', text: ncLine });

    this.analyticsCtx = { datasetId, names: options.single_cls ? ['item'] : data.names };
    const inputs: TrainInputs = {
      options, hyp, data, weights, resume: Boolean(msg.resume), control: this.control,
      // Starting weights (or last.pt) bring their own architecture unless a custom yaml is given, as upstream's
      // --weights without / with --cfg.
      cfg,
    };
    try {
      for await (const ev of train(inputs)) await this.handle(ev, ready, options.batch_size);
    } catch (err) {
      // A readback on a dying device can reject before its `lost` promise resolves: give the loss a moment to show.
      if (!this.lost && ready.backend === 'webgpu') await new Promise((r) => setTimeout(r, LOSS_GRACE_MS));
      if (this.lost) {
        // Not a failure of the run: last.pt of the last finished epoch is intact, "Resume from epoch N" continues it.
        await updateRun(db, runId, { status: 'interrupted', note: this.lost.message }).catch(() => undefined);
        throw this.lost;
      }
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
        if (analytics) await storeRunValidation(db, runId, ev.row.epoch, { perClass, analytics }, post);
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
