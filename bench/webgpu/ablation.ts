// What each group of our WebGPU kernels gives on the training step: one model stepped with all of ours and with
// all but one group (WEBGPU_SPEED_GROUPS), alternately in the same page so that a shared machine's load falls on
// both alike; per group the medians of those rounds and the dispatches per step of each side.
import { installWebGpuFixes, WEBGPU_SPEED_GROUPS, type WebGpuSpeedGroup } from '../../src/backend/fixes/webgpu';
import type { AblationResult, AblationRow, StepRequest } from './protocol';
import { disposeRig, emptySamples, makeRig, median, timedStep } from './rig';

export async function ablationBench(req: StepRequest): Promise<AblationResult> {
  installWebGpuFixes();
  const rig = makeRig(req, true);
  const rows: AblationRow[] = [];
  try {
    for (const group of Object.keys(WEBGPU_SPEED_GROUPS) as WebGpuSpeedGroup[]) {
      const full = emptySamples();
      const without = emptySamples();
      for (let i = 0; i < req.warmup + req.iters; i++) {
        for (const leaveOut of i % 2 === 0 ? [true, false] : [false, true]) {
          installWebGpuFixes();
          if (leaveOut) WEBGPU_SPEED_GROUPS[group].uninstall();
          await timedStep(rig, i < req.warmup ? null : leaveOut ? without : full);
        }
      }
      rows.push({
        group, fullMs: median(full.wall), withoutMs: median(without.wall),
        fullDispatches: full.counts.dispatches, withoutDispatches: without.counts.dispatches,
      });
    }
  } finally {
    disposeRig(rig);
    installWebGpuFixes(); // the page's default state
  }
  return { ...req, rows };
}
