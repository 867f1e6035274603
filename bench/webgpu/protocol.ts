// What the WebGPU bench page (bench/webgpu/page.ts) exposes on window, and what it returns, for the Playwright
// drivers: bench/webgpuStep.ts (figures) and e2e/webgpuKernels.spec.ts (kernel checks against cpu).

export interface StepRequest {
  model: 'yolov5n' | 'yolov5s';
  img: number;
  batch: number;
  iters: number;
  warmup: number;
  /** false: the "ours" side runs without the fused train-mode BN + SiLU kernels (to isolate what they change). */
  fusedBnSilu?: boolean;
}

/** Totals over one training step, by kernel name, from tf.profile (timestamp queries per program). */
export interface KernelTime { name: string; calls: number; ms: number }

export interface StepFigures {
  kernels: 'stock' | 'ours';
  medianMs: number;
  minMs: number;
  imagesPerS: number;
  /** GPUComputePassEncoder.dispatchWorkgroups calls per step, whole step and its optimizer / EMA parts. */
  dispatches: number;
  optimizerDispatches: number;
  emaDispatches: number;
  /** GPUQueue.submit calls per step. */
  submits: number;
  /** Buffer readbacks (getBufferData + readSync) per step. */
  readbacks: number;
  /** Median synchronous JS time of the step (recording commands), and of waiting for the loss afterwards. */
  encodeMs: number;
  waitMs: number;
  /** numBytesInGPU after the first and the last timed step: equal when the buffer pool reuses memory. */
  gpuBytes: [number, number];
  /** Sum of timed kernels in one profiled step, and the top kernels. */
  profiledKernelMs: number;
  topKernels: KernelTime[];
}

export interface StepResult extends StepRequest {
  adapter: string;
  timestampQuery: boolean;
  stock: StepFigures;
  ours: StepFigures;
}

export interface LayerRow {
  /** x (B, H, W, Ci), filter (KH, KW, Ci, Co), stride, pad: one conv shape of the model (times = its uses). */
  x: number[];
  filter: number[];
  stride: number;
  pad: number;
  uses: number;
  forwardMs: number;
  oursMs: number;
  stockMs: number;
}

export interface LayerResult {
  model: string;
  img: number;
  batch: number;
  /** 'timestamp' (GPU timestamp queries) or 'wall' (submit-to-done) when the adapter has no timestamps. */
  clock: 'timestamp' | 'wall';
  rows: LayerRow[];
}

export interface FilterCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: number | 'same' | 'valid';
}

export interface FilterCheck extends FilterCase {
  maxAbsDiff: number;
  maxAbsRef: number;
}

export interface CheckResult {
  /** Our kernel is the one tfjs runs for Conv2DBackpropFilter on webgpu after initBackend. */
  registered: boolean;
  cases: FilterCheck[];
  /** The same comparison through tf.grad of a conv2d (the path training takes). */
  gradMaxAbsDiff: number;
  /** A rank-5 pad on webgpu vs cpu (stock webgpu's PadProgram does not compile for rank 5). */
  pad5MaxAbsDiff: number;
}

/** y (B, H, W, C) with values uniform in offset ± spread. */
export interface BnSiluCase {
  shape: [number, number, number, number];
  offset: number;
  spread: number;
}

/** Per compared tensor: max |got − ref|, max |ref|, and max |got − ref| / max(|ref|, 1e-3) element-wise. */
export type Errors = Record<string, { maxAbsDiff: number; maxAbsRef: number; maxRelDiff: number }>;

export interface BnSiluCheck extends BnSiluCase {
  /** out, mean, variance, dy, dgamma, dbeta: fused op on webgpu vs autodiff of the written-out ops on cpu. */
  errors: Errors;
  /** Max |statistic − float64 two-pass statistic| of each backend. */
  stats64: Record<'cpu' | 'webgpu', { mean: number; variance: number }>;
}

export interface ConvBlockCheck {
  x: number[];
  co: number;
  /** out, dx, dweight, dgamma, dbeta, runningMean, runningVar of one Conv block (3x3/2), webgpu vs cpu. */
  errors: Errors;
  /** The same with the fused kernels unregistered (webgpu autodiff path). */
  stockErrors: Errors;
  /** Dispatches recorded by that block's forward + backward (and the loss around it) on webgpu. */
  dispatches: { fused: number; stock: number };
}

export interface BnSiluResult {
  /** Conv blocks take the fused path on webgpu after initBackend. */
  active: boolean;
  cases: BnSiluCheck[];
  conv: ConvBlockCheck;
}

export interface ParitySummary {
  count: number;
  /** Failed checks, spelled out (empty when everything is within the cpu / wasm tests' tolerances). */
  failed: string[];
  /** The check closest to its tolerance (ratio = error / tolerance, passes at <= 1). */
  worst: { name: string; ratio: number };
  picked: { name: string; ratio: number }[];
}

/** Upstream parity of yolov5n's train forward and gradients on webgpu, with and without the fused BN + SiLU. */
export interface ParityRun {
  active: boolean;
  fused: ParitySummary;
  stock: ParitySummary;
}

export interface BenchWindow {
  runStepBench(req: StepRequest): Promise<StepResult>;
  runLayerBench(req: StepRequest): Promise<LayerResult>;
  checkFilterGrad(cases: FilterCase[]): Promise<CheckResult>;
  /** Throws unless odd-sized pieces come back bit for bit through flat gather/scatter; true when our copy kernels did it. */
  checkFlatCopy(): Promise<boolean>;
  checkBnSilu(cases: BnSiluCase[]): Promise<BnSiluResult>;
  checkBnSiluParity(): Promise<ParityRun>;
}
