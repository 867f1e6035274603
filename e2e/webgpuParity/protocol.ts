// What the WebGPU parity page (e2e/webgpuParity/page.ts) exposes on window for e2e/webgpuParity.spec.ts.
import type { ParityCheck } from '../../test/parity';

/** Files the page fetches from `ref/<name>`; the spec serves exactly these from ../shared/reference. */
export const PARITY_REF_FILES = [
  'model_forward.json',
  'compute_loss.json',
  'yolov5n_nc3_seed0_state_dict.bin',
  'yolov5n_nc3_seed0_state_dict.manifest.json',
] as const;

export interface ParityBackendInfo {
  /** tf.getBackend() after initBackend({ prefer: 'webgpu' }). */
  backend: string;
  adapter: string;
  isFallbackAdapter: boolean;
  /** Every kernel in WEBGPU_FIXES is the one tfjs runs on webgpu (as in the studio's worker). */
  fixesInstalled: boolean;
  fixes: string[];
}

export type ParityFixture = 'forwardEval' | 'forwardTrain' | 'lossValue' | 'lossGrad' | 'grads';

export interface ParityRun {
  fixture: ParityFixture;
  /** tf.getBackend() right after the fixture ran. */
  backend: string;
  ms: number;
  checks: ParityCheck[];
  /** tf.memory().numTensors after minus before: the fixture frees what it makes. */
  leakedTensors: number;
}

export interface ParityWindow {
  parityBackend(): Promise<ParityBackendInfo>;
  runParity(fixture: ParityFixture): Promise<ParityRun>;
}
