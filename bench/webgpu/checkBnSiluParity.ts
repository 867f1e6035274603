// Whole-model parity with upstream on webgpu, once with the fused train-mode BN + SiLU and once without (tfjs
// autodiff): the train forward and model.0's BN buffers (model_forward.json) and the loss + every parameter
// gradient (compute_loss.json), with the same checks and tolerances the cpu / wasm tests use. The reference files
// are fetched from ./ref/ next to the page (e2e/webgpuBnSilu.spec.ts copies them there from ../shared/reference).
import * as tf from '@tensorflow/tfjs';
import { installWebGpuBnSilu, uninstallWebGpuBnSilu } from '../../src/backend/fixes/webgpuBnSilu';
import { fusedBnSiluActive } from '../../src/core/model/bnSilu';
import { FORWARD_TOL, trainForwardChecks, type ForwardRef } from '../../src/core/model/forward.parity';
import { gradChecks, GRADS_TOL, type GradsRef } from '../../src/core/train/grads.parity';
import { failedChecks, type ParityCheck } from '../../test/parity';
import { parseRefJson, parseRefStateDict } from '../../test/refData';
import type { ParityRun, ParitySummary } from './protocol';

async function fetchText(name: string): Promise<string> {
  const res = await fetch(`./ref/${name}`);
  if (!res.ok) throw new Error(`./ref/${name}: HTTP ${res.status}`);
  return res.text();
}

function summary(checks: ParityCheck[]): ParitySummary {
  const worst = checks.reduce((w, c) => (c.ratio > w.ratio ? c : w), checks[0]);
  return {
    count: checks.length,
    failed: failedChecks(checks).map((c) => `${c.name}: ratio ${c.ratio} (${c.tolerance})`),
    worst: { name: worst.name, ratio: worst.ratio },
    // The one the tolerances were set by (see grads.parity.ts) and model.0's BN buffers.
    picked: checks.filter((c) => /^grad model\.0\.conv\.weight|^model\.0\.bn\.|^train_raw|^loss/.test(c.name))
      .map((c) => ({ name: c.name, ratio: c.ratio })),
  };
}

export async function checkBnSiluParity(): Promise<ParityRun> {
  const forwardRef = parseRefJson<ForwardRef>(await fetchText('model_forward.json'));
  const gradsRef = parseRefJson<GradsRef>(await fetchText('compute_loss.json'));
  const stem = 'yolov5n_nc3_seed0_state_dict';
  const manifest: unknown = JSON.parse(await fetchText(`${stem}.manifest.json`));
  const bin = await (await fetch(`./ref/${stem}.bin`)).arrayBuffer();
  const sd = parseRefStateDict(manifest, new Float32Array(bin));
  await tf.setBackend('webgpu');
  const run = async () => summary([
    ...(await trainForwardChecks(forwardRef, sd, FORWARD_TOL.webgpu)),
    ...(await gradChecks(gradsRef, sd, GRADS_TOL.webgpu)),
  ]);
  const active = fusedBnSiluActive();
  try {
    const fused = await run();
    uninstallWebGpuBnSilu();
    const stock = await run();
    return { active, fused, stock };
  } finally {
    installWebGpuBnSilu();
  }
}
