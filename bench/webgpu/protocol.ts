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
  /** Groups of our kernels (WEBGPU_SPEED_GROUPS) the "ours" side leaves out. */
  without?: string[];
}

/** One group of our kernels left out of the "ours" side, timed alternately with the full set in one page. */
export interface AblationRow {
  group: string;
  /** Medians over the same rounds: all of ours, and ours without the group; dispatches per step of each. */
  fullMs: number;
  withoutMs: number;
  fullDispatches: number;
  withoutDispatches: number;
}

export interface AblationResult extends StepRequest { loadAvg?: [number, number]; rows: AblationRow[] }

/** Totals over one training step, by kernel name, from tf.profile (timestamp queries per program). */
export interface KernelTime { name: string; calls: number; ms: number }

export interface StepFigures {
  kernels: 'stock' | 'ours';
  medianMs: number;
  minMs: number;
  /** Every timed step's wall ms, in order (stock and ours alternate). */
  wallMs: number[];
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
  /** Sum of timed kernels in one profiled step, the top kernels, and the top (kernel, input shapes) calls. */
  profiledKernelMs: number;
  topKernels: KernelTime[];
  topCalls: KernelTime[];
}

export interface StepResult extends StepRequest {
  adapter: string;
  timestampQuery: boolean;
  stock: StepFigures;
  ours: StepFigures;
}

/** The three conv kernels a training step runs per conv layer. */
export type ConvKernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

export interface LayerRow {
  /** x (B, H, W, Ci), filter (KH, KW, Ci, Co), stride, pad: one conv shape of the model (times = its uses). */
  x: number[];
  filter: number[];
  stride: number;
  pad: number;
  uses: number;
  /** Median kernel ms per kernel, tfjs's own and ours (equal to stock's when we register none for it). */
  ms: Record<ConvKernel, { stock: number; ours: number }>;
}

export interface LayerResult {
  model: string;
  img: number;
  batch: number;
  /** 'timestamp' (GPU timestamp queries) or 'wall' (submit-to-done) when the adapter has no timestamps. */
  clock: 'timestamp' | 'wall';
  rows: LayerRow[];
}

/** One conv: x (B, H, W, Ci), filter (KH, KW, Ci, Co), stride, pad; checked for all three conv kernels. */
export interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: number | 'same' | 'valid';
}

/** max |webgpu − cpu| and max |cpu| of one kernel's output. */
export interface Diff { maxAbsDiff: number; maxAbsRef: number }

export interface ConvCheck extends ConvCase {
  errors: Record<ConvKernel, Diff>;
}

export interface CheckResult {
  /** Our kernel is the one tfjs runs on webgpu after initBackend, per conv kernel. */
  registered: Record<ConvKernel, boolean>;
  cases: ConvCheck[];
  /** dx and dW of a conv through tf.grads (the path training takes), relative to max(1, max |cpu|). */
  gradMaxAbsDiff: { dx: number; dw: number };
  /** A rank-5 pad on webgpu vs cpu (stock webgpu's PadProgram does not compile for rank 5). */
  pad5MaxAbsDiff: number;
  /** tf.memory().numTensors after the checks minus before (0: every intermediate was disposed). */
  leakedTensors: number;
}

/** One running-statistics update: C channels, n values per channel behind the variance, momentum, and the scale of
 * the buffers and statistics (means in ±scale, variances in [0, scale²]). */
export interface BnRunningCase { channels: number; n: number; momentum: number; scale: number }

export interface BnRunningResult {
  /** Our kernel is registered for webgpu after initBackend. */
  registered: boolean;
  /** Elements (of the 2·C results) whose float32 bits differ from the ops on webgpu and on cpu. */
  cases: (BnRunningCase & { vsWebgpuOps: number; vsCpuOps: number; values: number })[];
  /** BatchNorm2d's running buffers after 3 train-mode forwards on webgpu, kernel vs ops: elements that differ. */
  bnLayer: { bitDiffs: number; values: number };
  leakedTensors: number;
}

/** One flat optimizer case: n values, SGD hyperparameters, a clip coefficient or none. */
export interface FlatOpsCase { n: number; lr: number; momentum: number; weightDecay: number; nesterov: boolean; clip: boolean }

export interface FlatOpsResult {
  /** The SGD step, EMA and sum-of-squares kernels are registered for webgpu after initBackend. */
  registered: boolean;
  /** Per case: elements of [w'; buf; ema'] (3n) whose bits differ from the ops on webgpu and on cpu, and Σg²'s
   * relative error against float64 through the kernel and through tf.sum(tf.square) on webgpu. */
  cases: (FlatOpsCase & { values: number; vsWebgpuOps: number; vsCpuOps: number; sumSquares: { relVs64: number; relOpsVs64: number } })[];
  leakedTensors: number;
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
  runAblation(req: StepRequest): Promise<AblationResult>;
  checkConvKernels(cases: ConvCase[]): Promise<CheckResult>;
  checkBnRunning(cases: BnRunningCase[]): Promise<BnRunningResult>;
  checkFlatOps(cases: FlatOpsCase[]): Promise<FlatOpsResult>;
  /** Throws unless odd-sized pieces come back bit for bit through flat gather/scatter; true when our copy kernels did it. */
  checkFlatCopy(): Promise<boolean>;
  checkBnSilu(cases: BnSiluCase[]): Promise<BnSiluResult>;
  checkBnSiluParity(): Promise<ParityRun>;
}
