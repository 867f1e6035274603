// Parameter gradients of the whole model + loss against upstream (compute_loss.json), on cpu and wasm.
// The checks and their tolerances are in grads.parity.ts, shared with the WebGPU page (e2e/webgpuParity.spec.ts).
import { useBackend } from '../../../test/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { failedChecks } from '../../../test/parity';
import { readRefJson, readRefStateDict } from '../../../test/refs';
import { gradChecks, GRADS_TOL, type GradsRef } from './grads.parity';

for (const backend of ['cpu', 'wasm'] as const) describe(`model + loss gradients vs upstream (compute_loss.json, ${backend})`, () => {
  beforeAll(async () => {
    await useBackend(backend);
  });
  it('matches the listed gradients (relative to their scale) and every grad norm', async () => {
    const ref = readRefJson<GradsRef>('compute_loss.json');
    const checks = await gradChecks(ref, readRefStateDict('yolov5n_nc3_seed0_state_dict'), GRADS_TOL[backend]);
    // loss, 2 checks per listed grad, the key order, one norm per parameter
    expect(checks.length).toBe(1 + 2 * Object.keys(ref.grads).length + 1 + Object.keys(ref.grad_norms).length);
    expect(failedChecks(checks)).toEqual([]);
  });
});
