// The UI's only handle on the trainer worker: creates the one Worker, turns its messages into promises and
// subscriptions. Nothing else in the UI touches postMessage.
import type {
  BackendName, BackendPreference, DroppedFile, FromWorker, ImportPhase, ImportSummary, PlainError, RunImportSummary, ToWorker,
} from '../protocol/messages';
import type { ModelYamlCheck, StoredWeightsRef, WeightsInfo } from '../protocol/modelSetup';
import type { CheckpointValidation, TryItResult } from '../protocol/checkpointTools';
import type { AugPreview, AugPreviewRequest, AugPreviewSkip } from '../protocol/augPreview';

export type ReadyInfo = Omit<Extract<FromWorker, { type: 'ready' }>, 'type'>;
export type ProbeReply = Omit<Extract<FromWorker, { type: 'probeResult' }>, 'type' | 'id'>;
export interface ProbeRequest {
  img: number;
  seed: number;
  nc?: number;
  prefer?: BackendName;
}
export type StartRequest = Omit<Extract<ToWorker, { type: 'start' }>, 'type'>;
export type ExportOnnxRequest = Omit<Extract<ToWorker, { type: 'exportOnnx' }>, 'type' | 'id'>;
export type BundleRequest = Omit<Extract<ToWorker, { type: 'bundle' }>, 'type' | 'id'>;
export type TryItRequest = Omit<Extract<ToWorker, { type: 'tryIt' }>, 'type' | 'id'>;
export type ValidateRequest = Omit<Extract<ToWorker, { type: 'validateCheckpoint' }>, 'type' | 'id'>;
/** The bundle zip to save: a stream the worker writes as it is read; `stopProgress` drops the progress listener. */
export interface BundleStream {
  fileName: string;
  images: number;
  stream: ReadableStream<Uint8Array>;
  stopProgress: () => void;
}

/** Everything the worker says about a run (the store turns these into progress, charts and lists). */
export type RunMessage =
  | Extract<FromWorker, { runId: string }>
  | (Extract<FromWorker, { type: 'error' }> & { runId: string });

/** An error thrown inside the worker, rebuilt on the UI side with its name, code and the worker's stack. */
export class WorkerError extends Error {
  readonly code: string;
  constructor(plain: PlainError) {
    super(plain.message);
    this.name = plain.name;
    this.code = plain.code;
    if (plain.stack) this.stack = plain.stack;
  }
}

/** A request that carries an id; settled by the worker's answer with that id. */
interface Pending {
  settle: (msg: FromWorker) => boolean;
  reject: (err: Error) => void;
}

export class TrainerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly readyListeners = new Set<(info: ReadyInfo) => void>();
  private readonly errorListeners = new Set<(err: WorkerError) => void>();
  private readonly runListeners = new Set<(msg: RunMessage) => void>();
  /** Bundle progress by request id: it keeps coming after 'bundleReady' settled the request, while the zip is read. */
  private readonly bundleProgress = new Map<number, (done: number, total: number) => void>();

  constructor() {
    this.worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => this.receive(ev.data));
    // A worker that fails to load or throws at top level never answers: fail everything that waits on it.
    this.worker.addEventListener('error', (ev) => {
      this.failAll(new WorkerError({ name: 'WorkerLoadError', message: ev.message || 'trainer worker failed', code: 'WORKER_FAILED' }));
    });
  }

  /** Asks the worker to initialise a backend ('auto' unless forced); the answer arrives through onReady. */
  init(prefer?: BackendPreference): void {
    this.send({ type: 'init', prefer });
  }

  onReady(listener: (info: ReadyInfo) => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Errors not tied to a request or a run (a failed init, a crashed worker). */
  onError(listener: (err: WorkerError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  onRunMessage(listener: (msg: RunMessage) => void): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  }

  probe(req: ProbeRequest): Promise<ProbeReply> {
    return this.request((id) => ({ type: 'probe', id, ...req }), (msg) => {
      if (msg.type !== 'probeResult') return undefined;
      const { type: _type, id: _id, ...reply } = msg;
      return reply;
    });
  }

  /** Generates the sample dataset in the worker; resolves with its dataset id. */
  createSample(seed: number, onProgress?: (done: number, total: number) => void): Promise<string> {
    return this.request((id) => ({ type: 'createSample', id, seed }), (msg) => {
      if (msg.type === 'sampleProgress') onProgress?.(msg.done, msg.total);
      return msg.type === 'sampleCreated' ? msg.datasetId : undefined;
    });
  }

  /**
   * Verifies and stores a dropped dataset in the worker. `onStart` gets the request id (for cancelImport); the
   * promise rejects with the worker's error (a cancelled import rejects with StorageError 'import_aborted').
   */
  importFiles(
    files: DroppedFile[],
    onProgress?: (phase: ImportPhase, done: number, total: number, unit?: 'bytes' | 'files') => void,
    onStart?: (id: number) => void,
  ): Promise<ImportSummary> {
    return this.request((id) => {
      onStart?.(id);
      return { type: 'importFiles', id, files };
    }, (msg) => {
      if (msg.type === 'importProgress') onProgress?.(msg.phase, msg.done, msg.total, msg.unit);
      return msg.type === 'imported' ? msg.summary : undefined;
    });
  }

  cancelImport(id: number): void {
    this.send({ type: 'cancelImport', id });
  }

  /** Exports a stored checkpoint as ONNX in the worker; resolves with the file's name and bytes. */
  exportOnnx(req: ExportOnnxRequest): Promise<{ fileName: string; bytes: Uint8Array }> {
    return this.request((id) => ({ type: 'exportOnnx', id, ...req }), (msg) =>
      msg.type === 'onnxReady' ? { fileName: msg.fileName, bytes: msg.bytes } : undefined,
    );
  }

  /**
   * Opens the cluster bundle of a stored dataset and settings: resolves with the zip's stream once the settings are
   * checked; `onProgress` (images written / total) follows while the stream is read.
   */
  bundle(req: BundleRequest, onProgress?: (done: number, total: number) => void): Promise<BundleStream> {
    let requestId = -1;
    const stopProgress = () => this.bundleProgress.delete(requestId);
    return this.request((id) => {
      requestId = id;
      if (onProgress) this.bundleProgress.set(id, onProgress);
      return { type: 'bundle', id, ...req };
    }, (msg) => (msg.type === 'bundleReady' ? { fileName: msg.fileName, images: msg.images, stream: msg.stream, stopProgress } : undefined))
      .catch((err: unknown) => {
        stopProgress();
        throw err;
      });
  }

  /** Stores a cluster run's dropped best.pt / last.pt / results.csv as a run; resolves with what was stored. */
  importRun(files: DroppedFile[], opts: { name?: string; datasetId?: string } = {}): Promise<RunImportSummary> {
    return this.request((id) => ({ type: 'importRun', id, files, ...opts }), (msg) =>
      msg.type === 'runImported' ? msg.summary : undefined,
    );
  }

  /** Parses and summarizes a custom model yaml in the worker (with the dataset's nc); the check carries any error. */
  checkModelYaml(req: { text: string; fileName: string; nc?: number; imgsz?: number }): Promise<ModelYamlCheck> {
    return this.request((id) => ({ type: 'checkModelYaml', id, ...req }), (msg) =>
      msg.type === 'modelYamlChecked' ? msg.check : undefined,
    );
  }

  /** Reads a dropped .pt or a stored checkpoint in the worker: its classes and architecture. */
  inspectWeights(src: { weights?: File; weightsRef?: StoredWeightsRef }): Promise<WeightsInfo> {
    return this.request((id) => ({ type: 'inspectWeights', id, ...src }), (msg) =>
      msg.type === 'weightsInfo' ? msg.info : undefined,
    );
  }

  /** Runs a stored checkpoint on one image in the worker; resolves with every detection above the conf floor. */
  tryIt(req: TryItRequest): Promise<TryItResult> {
    return this.request((id) => ({ type: 'tryIt', id, ...req }), (msg) => (msg.type === 'tryItResult' ? msg.result : undefined));
  }

  /** Validates a stored checkpoint on a stored dataset's val split in the worker; `onProgress` after each batch. */
  validateCheckpoint(req: ValidateRequest, onProgress?: (batch: number, batches: number) => void): Promise<CheckpointValidation> {
    return this.request((id) => ({ type: 'validateCheckpoint', id, ...req }), (msg) => {
      if (msg.type === 'validateProgress') onProgress?.(msg.batch, msg.batches);
      return msg.type === 'validateResult' ? msg.result : undefined;
    });
  }

  /**
   * Training samples as the TrainLoader draws them (augmentation preview). Resolves `skipped` when a newer request
   * superseded this one before it finished, or a training runs in the worker.
   */
  augPreview(request: AugPreviewRequest): Promise<{ preview: AugPreview } | { skipped: AugPreviewSkip }> {
    return this.request((id) => ({ type: 'augPreview', id, request }), (msg) => {
      if (msg.type === 'augPreviewResult') return { preview: msg.preview };
      return msg.type === 'augPreviewSkipped' ? { skipped: msg.why } : undefined;
    });
  }

  /** Test hook: destroys the worker's WebGPU device (a simulated GPU loss); false when it was not on WebGPU. */
  loseDevice(): Promise<boolean> {
    return this.request((id) => ({ type: 'loseDevice', id }), (msg) => (msg.type === 'deviceDestroyed' ? msg.destroyed : undefined));
  }

  /** Test hook: the worker's tf.memory(). */
  memory(): Promise<{ numTensors: number; numBytes: number }> {
    return this.request((id) => ({ type: 'memory', id }), (msg) =>
      msg.type === 'memory' ? { numTensors: msg.numTensors, numBytes: msg.numBytes } : undefined,
    );
  }

  /** Starts (or with `resume`, continues) a run; progress arrives through onRunMessage. */
  start(req: StartRequest): void {
    this.send({ type: 'start', ...req });
  }

  control(type: 'pause' | 'resume' | 'stop', runId: string): void {
    this.send({ type, runId });
  }

  private request<T>(make: (id: number) => ToWorker, answer: (msg: FromWorker) => T | undefined): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {
        settle: (msg) => {
          const value = answer(msg);
          if (value === undefined) return false;
          resolve(value);
          return true;
        },
        reject,
      });
      this.send(make(id));
    });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'ready': {
        const { type: _type, ...info } = msg;
        for (const l of this.readyListeners) l(info);
        return;
      }
      case 'probeResult':
      case 'sampleProgress':
      case 'sampleCreated':
      case 'importProgress':
      case 'imported':
      case 'memory':
      case 'augPreviewResult':
      case 'augPreviewSkipped':
      case 'deviceDestroyed':
      case 'runImported':
      case 'bundleReady':
      case 'onnxReady':
      case 'modelYamlChecked':
      case 'weightsInfo':
      case 'tryItResult':
      case 'validateProgress':
      case 'validateResult': {
        const p = this.pending.get(msg.id);
        if (p?.settle(msg)) this.pending.delete(msg.id);
        return;
      }
      case 'bundleProgress': {
        this.bundleProgress.get(msg.id)?.(msg.done, msg.total);
        if (msg.done >= msg.total) this.bundleProgress.delete(msg.id);
        return;
      }
      case 'runStarted':
      case 'runState':
      case 'log':
      case 'step':
      case 'epoch':
      case 'checkpoint':
      case 'done':
        for (const l of this.runListeners) l(msg);
        return;
      case 'error': {
        const err = new WorkerError(msg.error);
        const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (p && msg.id !== undefined) {
          this.pending.delete(msg.id);
          p.reject(err);
        } else if (msg.runId !== undefined) {
          const runMsg = { ...msg, runId: msg.runId };
          for (const l of this.runListeners) l(runMsg);
        } else {
          for (const l of this.errorListeners) l(err);
        }
        return;
      }
      default:
        throw new TypeError(`unknown worker message ${(msg satisfies never as { type: unknown }).type}`);
    }
  }

  private failAll(err: WorkerError): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.bundleProgress.clear();
    for (const l of this.errorListeners) l(err);
  }
}

let client: TrainerClient | null = null;

/** The single TrainerClient (and so the single Worker) of the page, created on first use. */
export function trainerClient(): TrainerClient {
  client ??= new TrainerClient();
  return client;
}
