// Augmented training images per second on the CPU path in Node: coco128 at 640, decoded images cached (upstream's
// --cache ram), hyp.scratch-low (mosaic 1.0 + random_perspective + HSV + fliplr 0.5, mixup 0), through the real
// TrainLoader (collation included), one thread. Also the time of each stage on the same cached images.
// Upstream figures (issue 4, measured on this machine kind with OpenCV 4.6): ~42-70 images/s per core, 8.4 ms/image
// with cached images.
import { resolve } from 'node:path';
import { loadSplit } from '../src/cli/dataset';
import { decodeImage } from '../src/cli/image';
import { hypPreset } from '../src/core/config';
import { augmentHsv, augmentKernels, composeMosaic, fliplrImage, planMosaic, randomPerspective, mosaicBorder, setAugmentWasm } from '../src/core/data/augment';
import { canvasScratch } from '../src/core/data/augment/wasm/kernels';
import { TrainLoader } from '../src/core/data/trainLoader';
import { createRng } from '../src/core/rng';

const SCRATCH_LOW = hypPreset('scratch-low');

export const UPSTREAM_AUGMENT = { imagesPerSPerCore: [42, 70] as const, msPerImageCached: 8.4 };

export interface AugmentBench {
  /** Which loops ran: the WebAssembly kernels (default) or the plain JS ones. */
  loops: 'wasm' | 'js';
  img: number;
  images: number;
  /** Wall-clock rate of the loader (the machine may be shared: see cpuImagesPerS). */
  imagesPerS: number;
  /** Images per second of CPU time used by this process: the per-core rate. */
  cpuImagesPerS: number;
  msPerImage: number;
  /** Mean ms per image of each stage, measured separately on the same cached images. */
  stagesMs: { mosaic: number; perspective: number; hsv: number; fliplr: number };
  upstream: typeof UPSTREAM_AUGMENT;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** `images` augmented images (rounded up to whole batches of 16) after one warm-up batch. */
export async function benchAugment(shared: string, img = 640, images = 256, loops: 'wasm' | 'js' = 'wasm'): Promise<AugmentBench> {
  setAugmentWasm(loops === 'wasm');
  if (loops === 'wasm' && !augmentKernels()) throw new Error('benchAugment: WebAssembly kernels unavailable');
  try {
    return await run(shared, img, images, loops);
  } finally {
    setAugmentWasm(true);
  }
}

async function run(shared: string, img: number, images: number, loops: 'wasm' | 'js'): Promise<AugmentBench> {
  const split = await loadSplit(resolve(shared, 'datasets/coco128/data.yaml'), 'train');
  const loader = new TrainLoader(split.items, {
    imgSize: img, batchSize: 16, hyp: SCRATCH_LOW, seed: 0, decode: (f) => decodeImage(f), cache: true, prefetch: 0,
  });
  // Fill the cache first: the figure is for cached images, as upstream's 8.4 ms.
  await Promise.all(split.items.map((_, i) => loader.load(i)));
  let done = 0;
  let wall = 0;
  let cpu = 0;
  for (let epoch = 0; done < images; epoch++) {
    let first = epoch === 0;
    let t0 = performance.now();
    let c0 = cpuSeconds();
    for await (const b of loader.epoch(epoch)) {
      if (first) {
        first = false; // warm-up batch: JIT
      } else {
        wall += performance.now() - t0;
        cpu += cpuSeconds() - c0;
        done += b.shape[0];
        if (done >= images) break;
      }
      t0 = performance.now();
      c0 = cpuSeconds();
    }
  }
  return {
    loops,
    img,
    images: done,
    imagesPerS: done / (wall / 1000),
    cpuImagesPerS: done / cpu,
    msPerImage: wall / done,
    stagesMs: await stageTimes(loader, img, 32),
    upstream: UPSTREAM_AUGMENT,
  };
}

/** Mean ms per image of compose, warp + boxes, HSV and flip, on the loader's cached images. */
async function stageTimes(loader: TrainLoader, s: number, reps: number) {
  const rng = createRng(1);
  const pool = Int32Array.from({ length: loader.n }, (_, i) => i);
  const t = { mosaic: 0, perspective: 0, hsv: 0, fliplr: 0 };
  for (let r = 0; r < reps; r++) {
    const plan = planMosaic(rng, r % loader.n, pool, s);
    const tiles = await Promise.all(plan.indices.map(async (i) => ({ image: (await loader.load(i)).image, labels: loader.labels[i] })));
    let t0 = performance.now();
    const canvas = composeMosaic(plan, tiles, s, canvasScratch(4 * s * s * 3)); // as finishMosaic does
    let t1 = performance.now();
    t.mosaic += t1 - t0;
    const { image } = randomPerspective(canvas.image, canvas.labels, SCRATCH_LOW, rng, mosaicBorder(s));
    t0 = performance.now();
    t.perspective += t0 - t1;
    augmentHsv(image, SCRATCH_LOW.hsv_h, SCRATCH_LOW.hsv_s, SCRATCH_LOW.hsv_v, rng);
    t1 = performance.now();
    t.hsv += t1 - t0;
    fliplrImage(image);
    t.fliplr += performance.now() - t1;
  }
  return { mosaic: t.mosaic / reps, perspective: t.perspective / reps, hsv: t.hsv / reps, fliplr: t.fliplr / reps };
}

/** Prints the figures beside upstream's (for bench/main.ts). */
export function printAugment(results: AugmentBench[]): void {
  if (!results.length) return;
  const r0 = results[0];
  console.log(`\naugmentation: coco128 at ${r0.img}, cached images, mosaic + perspective + HSV + fliplr (hyp.scratch-low), 1 thread`);
  for (const r of results) {
    const st = r.stagesMs;
    console.log(`  ours (${r.loops.padEnd(4)}): ${r.cpuImagesPerS.toFixed(1)} images/s per core (CPU time, ${(1000 / r.cpuImagesPerS).toFixed(2)} ms/image), ${r.imagesPerS.toFixed(1)} images/s wall over ${r.images}`);
    console.log(`               stages ms/image (wall): mosaic ${st.mosaic.toFixed(2)}, perspective ${st.perspective.toFixed(2)}, HSV ${st.hsv.toFixed(2)}, fliplr ${st.fliplr.toFixed(2)}`);
  }
  console.log(`  upstream:    ~${r0.upstream.imagesPerSPerCore[0]}-${r0.upstream.imagesPerSPerCore[1]} images/s per core, ${r0.upstream.msPerImageCached} ms/image with cached images (OpenCV 4.6)`);
}
