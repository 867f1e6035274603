// The WebGPU parity page: starts the webgpu backend as the studio's worker does (initBackend: our kernel fixes
// installed), fetches the reference files from `ref/` (the spec serves them from ../shared/reference) and runs
// the same *.parity.ts fixtures as the Node tests, returning their ParityChecks.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend/select';
import { WEBGPU_FIXES } from '../../src/backend/fixes/webgpu';
import { lossGradChecks, lossValueChecks, LOSS_TOL, type ComputeLossRef } from '../../src/core/loss/computeLoss.parity';
import { evalForwardChecks, FORWARD_TOL, trainForwardChecks, type ForwardRef } from '../../src/core/model/forward.parity';
import type { StateDict } from '../../src/core/model';
import { gradChecks, GRADS_TOL, type GradsRef } from '../../src/core/train/grads.parity';
import type { ParityCheck } from '../../test/parity';
import { parseRefJson, parseRefStateDict } from '../../test/refData';
import type { ParityFixture, ParityWindow } from './protocol';

tf.env().set('PROD', true);

const ready = initBackend({ prefer: 'webgpu' });

async function fetchRef(name: string): Promise<Response> {
  const res = await fetch(`ref/${name}`);
  if (!res.ok) throw new Error(`ref/${name}: HTTP ${res.status} (the spec serves ../shared/reference)`);
  return res;
}

const json = <T>(name: string) => fetchRef(name).then(async (r) => parseRefJson<T>(await r.text()));

let stateDict: Promise<StateDict> | undefined;
const seed0 = (): Promise<StateDict> => (stateDict ??= (async () => {
  const stem = 'yolov5n_nc3_seed0_state_dict';
  const manifest: unknown = await (await fetchRef(`${stem}.manifest.json`)).json();
  return parseRefStateDict(manifest, new Float32Array(await (await fetchRef(`${stem}.bin`)).arrayBuffer()));
})());

const FIXTURES: Record<ParityFixture, () => Promise<ParityCheck[]>> = {
  forwardEval: async () => evalForwardChecks(await json<ForwardRef>('model_forward.json'), await seed0(), FORWARD_TOL.webgpu),
  forwardTrain: async () => trainForwardChecks(await json<ForwardRef>('model_forward.json'), await seed0(), FORWARD_TOL.webgpu),
  lossValue: async () => lossValueChecks(await json<ComputeLossRef>('compute_loss.json'), LOSS_TOL.webgpu),
  lossGrad: async () => lossGradChecks(await json<ComputeLossRef>('compute_loss.json'), LOSS_TOL.webgpu),
  grads: async () => gradChecks(await json<GradsRef>('compute_loss.json'), await seed0(), GRADS_TOL.webgpu),
};

const w = window as unknown as ParityWindow;
w.parityBackend = async () => {
  const info = await ready;
  const ours = WEBGPU_FIXES.map((f) => ({ name: f.kernelName, ok: tf.getKernel(f.kernelName, 'webgpu')?.kernelFunc === f.kernelFunc }));
  return {
    backend: tf.getBackend(),
    adapter: info.adapter ?? 'unknown adapter',
    isFallbackAdapter: info.isFallbackAdapter ?? false,
    fixesInstalled: ours.every((f) => f.ok),
    fixes: ours.map((f) => f.name),
  };
};
w.runParity = async (fixture) => {
  await ready;
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const checks = await FIXTURES[fixture]();
  return {
    fixture, backend: tf.getBackend(), ms: performance.now() - t0, checks,
    leakedTensors: tf.memory().numTensors - before,
  };
};
