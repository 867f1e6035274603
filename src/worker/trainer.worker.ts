// The trainer worker: owns the tfjs backend and every heavy computation, so the UI thread never blocks.
// One message listener; each ToWorker message is answered by FromWorker messages (see src/protocol/messages.ts).
import * as tf from '@tensorflow/tfjs';
import { toPlainError, type FromWorker, type ToWorker } from '../protocol/messages';
import { cleanupPending, openStudioDb } from '../storage';
import { BackendHolder } from './backendChoice';
import { runProbe } from './probe';
import { importDropped } from './importDrop';
import { openBundle } from './bundle';
import { importDroppedRun } from './importRun';
import { exportStoredCheckpoint } from './exportOnnx';
import { checkModelYaml } from './modelYaml';
import { inspectWeights } from './startWeights';
import { createSampleDataset } from './sample/createSample';
import { CheckpointModelCache } from './checkpointModels';
import { decodeBlob } from './decode';
import { runTryIt } from './tryIt';
import { validateStoredCheckpoint } from './validateCheckpoint';
import { TrainSession, TrainSessionError } from './trainSession';
import { AugPreviewService } from './augPreviewService';
import { destroyWebGpuDevice } from './deviceLoss';

// The DOM lib types `self` as Window; in this file it is the dedicated worker scope.
const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

const backends = new BackendHolder();
const db = openStudioDb();
// Imports abandoned by a closed tab are removed once, before anything reads the store.
const cleaned = cleanupPending(db).catch(() => undefined);

/** The checkpoint model Try it and Validate last used, kept loaded between requests. */
const checkpointModels = new CheckpointModelCache(db);

/** Imports in progress, by request id, so 'cancelImport' can abort them. */
const imports = new Map<number, AbortController>();

/** The one training this worker runs; a second 'start' while it runs is refused. */
let session: TrainSession | null = null;

/** Augmentation previews of the hyperparameters panel (paused while a training runs, to leave it the CPU). */
const previews = new AugPreviewService(db, () => session !== null);

/** After a lost WebGPU device: a fresh backend, and the user told why (the 'ready' note); an error if none starts. */
async function recoverBackend(): Promise<void> {
  // Try it / Validate's cached model may live on the dead device: load it again when next needed.
  checkpointModels.clear();
  try {
    const ready = await backends.recover();
    if (ready) post(ready);
  } catch (err) {
    post({ type: 'error', error: toPlainError(err) });
  }
}

// A training on the lost device ends at its next batch boundary and recovery waits for it (its tensors are freed on
// the old backend first); with nothing training on it, recover at once.
backends.onDeviceLost = (reason) => {
  if (!session?.deviceLost(reason)) void recoverBackend();
};

function sessionFor(runId: string): TrainSession {
  if (!session || session.runId !== runId) throw new TrainSessionError('no_such_run', `run ${runId} is not training in this tab`);
  return session;
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      post(await backends.ensure(msg.prefer ?? 'auto'));
      return;
    }
    case 'probe': {
      const ready = await backends.ensure(msg.prefer ?? backends.currentPreference ?? 'auto');
      const out = await runProbe({ img: msg.img, seed: msg.seed, nc: msg.nc });
      post(
        {
          type: 'probeResult', id: msg.id, backend: ready.backend, adapter: ready.adapter,
          isFallbackAdapter: ready.isFallbackAdapter, shape: out.shape, data: out.data, ms: out.ms,
        },
        [out.data.buffer],
      );
      return;
    }
    case 'start': {
      if (session) throw new TrainSessionError('busy', `this tab is already training run ${session.runId}: stop it first`);
      await cleaned;
      const s = new TrainSession(msg.runId, db, post);
      session = s;
      try {
        await s.run(msg, backends);
      } finally {
        session = null;
        if (backends.lostReason !== null) void recoverBackend();
      }
      return;
    }
    case 'pause':
      sessionFor(msg.runId).pause();
      return;
    case 'resume':
      sessionFor(msg.runId).resume();
      return;
    case 'stop':
      sessionFor(msg.runId).stop();
      return;
    case 'createSample': {
      await cleaned;
      const manifest = await createSampleDataset(db, msg.seed, (done, total) => post({ type: 'sampleProgress', id: msg.id, done, total }));
      post({ type: 'sampleCreated', id: msg.id, datasetId: manifest.id });
      return;
    }
    case 'importFiles': {
      await cleaned;
      const abort = new AbortController();
      imports.set(msg.id, abort);
      try {
        const summary = await importDropped(
          db, msg.files, (phase, done, total, unit) => post({ type: 'importProgress', id: msg.id, phase, done, total, ...(unit ? { unit } : {}) }), abort.signal,
        );
        post({ type: 'imported', id: msg.id, summary });
      } finally {
        imports.delete(msg.id);
      }
      return;
    }
    case 'cancelImport':
      imports.get(msg.id)?.abort();
      return;
    case 'importRun': {
      await cleaned;
      post({ type: 'runImported', id: msg.id, summary: await importDroppedRun(db, msg) });
      return;
    }
    case 'bundle': {
      await cleaned;
      const b = await openBundle(db, msg, (done, total) => post({ type: 'bundleProgress', id: msg.id, done, total }));
      post({ type: 'bundleReady', id: msg.id, fileName: b.fileName, images: b.images, stream: b.stream }, [b.stream]);
      return;
    }
    case 'exportOnnx': {
      // The exporter builds a tfjs model: the backend must be up (a page that never trained has only run 'init').
      await backends.ensure(backends.currentPreference ?? 'auto');
      const { fileName, bytes } = await exportStoredCheckpoint(db, msg);
      post({ type: 'onnxReady', id: msg.id, fileName, bytes }, [bytes.buffer]);
      return;
    }
    case 'checkModelYaml': {
      post({ type: 'modelYamlChecked', id: msg.id, check: checkModelYaml(msg.text, msg.fileName, msg.nc, msg.imgsz) });
      return;
    }
    case 'inspectWeights': {
      await cleaned;
      post({ type: 'weightsInfo', id: msg.id, info: await inspectWeights(db, msg) });
      return;
    }
    case 'tryIt': {
      await backends.ensure(backends.currentPreference ?? 'auto');
      const result = await runTryIt(db, checkpointModels, msg, decodeBlob);
      post({ type: 'tryItResult', id: msg.id, result }, [result.dets.buffer]);
      return;
    }
    case 'validateCheckpoint': {
      await backends.ensure(backends.currentPreference ?? 'auto');
      const result = await validateStoredCheckpoint(db, checkpointModels, msg, decodeBlob,
        (p) => post({ type: 'validateProgress', id: msg.id, batch: p.batch, batches: p.batches, images: p.images }));
      post({ type: 'validateResult', id: msg.id, result });
      return;
    }
    case 'augPreview': {
      await cleaned;
      const out = await previews.render(msg.id, msg.request);
      if ('skipped' in out) {
        post({ type: 'augPreviewSkipped', id: msg.id, why: out.skipped });
        return;
      }
      const buffers = out.preview.samples.flatMap((s) => [s.rgba.buffer, s.boxes.buffer]);
      post({ type: 'augPreviewResult', id: msg.id, preview: out.preview }, buffers);
      return;
    }
    case 'loseDevice': {
      post({ type: 'deviceDestroyed', id: msg.id, destroyed: destroyWebGpuDevice() });
      return;
    }
    case 'memory': {
      const m = tf.memory();
      post({ type: 'memory', id: msg.id, numTensors: m.numTensors, numBytes: m.numBytes });
      return;
    }
    default:
      throw new TypeError(`unknown message type ${(msg satisfies never as { type: unknown }).type}`);
  }
}

scope.addEventListener('message', (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  handle(msg).catch((err: unknown) => {
    const id = 'id' in msg ? msg.id : undefined;
    const runId = 'runId' in msg ? msg.runId : undefined;
    post({ type: 'error', id, runId, error: toPlainError(err) });
  });
});
