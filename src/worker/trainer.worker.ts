// The trainer worker: owns the tfjs backend and every heavy computation, so the UI thread never blocks.
// One message listener; each ToWorker message is answered by FromWorker messages (see src/protocol/messages.ts).
import { initBackend } from '../backend/select';
import { toPlainError, type BackendName, type FromWorker, type ToWorker } from '../protocol/messages';
import { runProbe } from './probe';

type Ready = Extract<FromWorker, { type: 'ready' }>;

// The DOM lib types `self` as Window; in this file it is the dedicated worker scope.
const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

// One backend initialisation at a time; a later request with a different preference re-initialises.
let backend: { prefer: BackendName | undefined; ready: Promise<Ready> } | null = null;

function ensureBackend(prefer: BackendName | undefined): Promise<Ready> {
  if (backend && (prefer === undefined || backend.prefer === prefer)) return backend.ready;
  const ready = initBackend({ prefer }).then(
    (info): Ready => ({
      type: 'ready',
      backend: info.backend,
      adapter: info.adapter,
      isFallbackAdapter: info.isFallbackAdapter,
      threads: info.threads,
    }),
  );
  backend = { prefer, ready };
  // A failed init must not poison later requests.
  ready.catch(() => {
    if (backend?.ready === ready) backend = null;
  });
  return ready;
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      post(await ensureBackend(msg.prefer));
      return;
    }
    case 'probe': {
      const ready = await ensureBackend(msg.prefer);
      const out = await runProbe({ img: msg.img, seed: msg.seed, nc: msg.nc });
      post(
        {
          type: 'probeResult',
          id: msg.id,
          backend: ready.backend,
          adapter: ready.adapter,
          isFallbackAdapter: ready.isFallbackAdapter,
          shape: out.shape,
          data: out.data,
          ms: out.ms,
        },
        [out.data.buffer],
      );
      return;
    }
    default:
      throw new TypeError(`unknown message type ${(msg satisfies never as { type: unknown }).type}`);
  }
}

scope.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  handle(msg).catch((err: unknown) => {
    post({ type: 'error', id: 'id' in msg ? msg.id : undefined, error: toPlainError(err) });
  });
});
