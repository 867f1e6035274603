// Messages between the bench page, its worker and the Playwright runner (bench/augmentBrowser.ts).

export interface BenchRequest {
  /** 'gpu': plans + renderBatch on `backend`; 'cpu': the CPU path (TrainLoader.epoch, wasm kernels) in the worker. */
  path: 'gpu' | 'cpu';
  backend: 'webgpu' | 'wasm';
  img: number;
  batch: number;
  /** Images to time after one warm-up batch (rounded up to whole batches). */
  images: number;
}

export interface BenchResult {
  path: 'gpu' | 'cpu';
  /** tfjs backend the GPU path ran on ('-' for the CPU path). */
  backend: string;
  adapter?: string;
  threads?: number;
  img: number;
  batch: number;
  images: number;
  imagesPerS: number;
  msPerImage: number;
  /** Of msPerImage: host-side draws, labels and collation (the plan), the rest being the pixels. */
  planMsPerImage: number;
  /** Seconds spent decoding the dataset into the cache before timing. */
  decodeS: number;
  /** GPU path only: its first batch against the CPU path's pixels for the same plans (levels of 255). */
  vsCpu?: { meanAbs: number; within2: number; max: number };
}

/** One line of data: a coco128 image served next to the page, with its label rows. */
export interface ManifestItem {
  file: string;
  shapeWH: [number, number];
  labels: number[];
}

export type FromBenchWorker = { result: BenchResult } | { error: string };
