// The bench worker: coco128 decoded into the loader's cache (as upstream's --cache ram), then augmented training
// batches timed: on the GPU path, TrainLoader.epochPlans + renderBatch on the chosen tfjs backend, synchronised by a
// one-number readback per batch (the batch itself stays on the device, as in training); on the CPU path,
// TrainLoader.epoch (the OpenCV-exact code with its wasm kernels).
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select';
import { hypPreset } from '../../src/core/config';
import { renderBatch } from '../../src/core/data/augment/gpu';
import { renderSample } from '../../src/core/data/augment/sample';
import { TrainLoader, type PlannedTrainBatch } from '../../src/core/data/trainLoader';
import type { ValItem } from '../../src/core/data/valLoader';
import { decodeBlob } from '../../src/worker/decode';
import type { BenchRequest, BenchResult, FromBenchWorker, ManifestItem } from './protocol';

const post = (m: FromBenchWorker) => (self as unknown as Worker).postMessage(m);

self.onmessage = async (e: MessageEvent<BenchRequest>) => {
  try {
    post({ result: await run(e.data) });
  } catch (err) {
    post({ error: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) });
  }
};

async function decode(file: string) {
  const res = await fetch(file);
  if (!res.ok) throw new Error(`bench: ${file}: HTTP ${res.status}`);
  return decodeBlob(await res.blob(), file);
}

/** The first batch of epoch 0 drawn by both paths: |gpu * 255 - cpu| over every value (mean, share <= 2, max). */
async function compareWithCpu(loader: TrainLoader): Promise<BenchResult['vsCpu']> {
  const gen = loader.epochPlans(0);
  const next = await gen.next();
  await gen.return(undefined);
  if (next.done) throw new Error('bench: no batch to compare');
  const b: PlannedTrainBatch = next.value;
  const x = renderBatch(b.plans);
  const gpu = await x.data();
  x.dispose();
  const n = gpu.length / b.plans.length;
  let sum = 0;
  let within2 = 0;
  let max = 0;
  b.plans.forEach((p, j) => {
    const cpu = renderSample(p).data;
    for (let i = 0; i < n; i++) {
      const d = Math.abs(Math.round(gpu[j * n + i] * 255) - cpu[i]);
      sum += d;
      if (d <= 2) within2++;
      if (d > max) max = d;
    }
  });
  return { meanAbs: sum / gpu.length, within2: within2 / gpu.length, max };
}

async function run(req: BenchRequest): Promise<BenchResult> {
  const info = req.path === 'gpu' ? await initBackend({ prefer: req.backend }) : null;
  const manifest = (await (await fetch('/manifest.json')).json()) as ManifestItem[];
  const items: ValItem[] = manifest.map((m) => ({ file: m.file, shapeWH: m.shapeWH, labels: Float32Array.from(m.labels) }));
  const loader = new TrainLoader(items, {
    imgSize: req.img, batchSize: req.batch, hyp: hypPreset('scratch-low'), seed: 0, decode, cache: true, prefetch: 0,
  });
  const t0 = performance.now();
  await Promise.all(items.map((_, i) => loader.load(i)));
  const decodeS = (performance.now() - t0) / 1000;

  let done = 0;
  let wall = 0;
  let plan = 0;
  let warm = true; // the first batch compiles shaders / JITs: not timed
  for (let epoch = 0; done < req.images; epoch++) {
    let start = performance.now();
    const batches = req.path === 'gpu' ? loader.epochPlans(epoch) : loader.epoch(epoch);
    for await (const b of batches) {
      const planned = performance.now();
      if ('plans' in b) {
        const x = renderBatch(b.plans); // (B, img, img, 3) float32 on the device
        const probe = tf.sum(x);
        await probe.data(); // waits for the queued GPU work
        tf.dispose([x, probe]);
      }
      const end = performance.now();
      if (warm) {
        warm = false;
      } else {
        wall += end - start;
        plan += planned - start;
        done += b.shape[0];
        if (done >= req.images) break;
      }
      start = performance.now();
    }
  }
  return {
    path: req.path,
    backend: info?.backend ?? '-',
    adapter: info?.adapter,
    threads: info?.threads,
    img: req.img,
    batch: req.batch,
    images: done,
    imagesPerS: done / (wall / 1000),
    msPerImage: wall / done,
    // On the CPU path the pixels are drawn inside the loader, so its "plan" time is the whole batch.
    planMsPerImage: req.path === 'gpu' ? plan / done : wall / done,
    decodeS,
    vsCpu: req.path === 'gpu' ? await compareWithCpu(loader) : undefined,
  };
}
