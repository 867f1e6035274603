// The UI's only handle on the trainer worker: creates the one Worker, turns its messages into promises and
// subscriptions. Nothing else in the UI touches postMessage.
import type { BackendName, FromWorker, PlainError, ToWorker } from '../protocol/messages';

export type ReadyInfo = Omit<Extract<FromWorker, { type: 'ready' }>, 'type'>;
export type ProbeReply = Omit<Extract<FromWorker, { type: 'probeResult' }>, 'type' | 'id'>;
export interface ProbeRequest {
  img: number;
  seed: number;
  nc?: number;
  prefer?: BackendName;
}

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

interface Pending {
  resolve: (reply: ProbeReply) => void;
  reject: (err: Error) => void;
}

export class TrainerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly readyListeners = new Set<(info: ReadyInfo) => void>();
  private readonly errorListeners = new Set<(err: WorkerError) => void>();

  constructor() {
    this.worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module' });
    this.worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => this.receive(ev.data));
    // A worker that fails to load or throws at top level never answers: fail everything that waits on it.
    this.worker.addEventListener('error', (ev) => {
      this.failAll(new WorkerError({ name: 'WorkerLoadError', message: ev.message || 'trainer worker failed', code: 'WORKER_FAILED' }));
    });
  }

  /** Asks the worker to initialise a backend (`prefer` forces one); the answer arrives through onReady. */
  init(prefer?: BackendName): void {
    this.send({ type: 'init', prefer });
  }

  onReady(listener: (info: ReadyInfo) => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Errors not tied to a request (a failed init, a crashed worker). */
  onError(listener: (err: WorkerError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  probe(req: ProbeRequest): Promise<ProbeReply> {
    const id = this.nextId++;
    return new Promise<ProbeReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ type: 'probe', id, ...req });
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
      case 'probeResult': {
        const { type: _type, id, ...reply } = msg;
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.resolve(reply);
        return;
      }
      case 'error': {
        const err = new WorkerError(msg.error);
        const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (p && msg.id !== undefined) {
          this.pending.delete(msg.id);
          p.reject(err);
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
    for (const l of this.errorListeners) l(err);
  }
}

let client: TrainerClient | null = null;

/** The single TrainerClient (and so the single Worker) of the page, created on first use. */
export function trainerClient(): TrainerClient {
  client ??= new TrainerClient();
  return client;
}
