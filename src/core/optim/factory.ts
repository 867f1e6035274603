// smart_optimizer's choice of optimizer by name, over the three groups.
import type { OptimizerName } from '../config/trainOptions';
import { Adam } from './adam';
import { OptimizerError } from './errors';
import type { Optimizer } from './optimizer';
import type { ParamGroup } from './paramGroups';
import { SGD } from './sgd';
import { FusedAdam } from './fusedAdam';
import { FusedSGD } from './fusedSgd';

/**
 * SGD(momentum, nesterov=True), Adam(betas=(momentum, 0.999)) or AdamW(same, decoupled decay). `fused` picks the
 * multi-tensor path (flat buffers per group, same numbers).
 */
export function createOptimizer(name: OptimizerName, groups: ParamGroup[], { fused = false } = {}): Optimizer {
  switch (name) {
    case 'SGD': return fused ? new FusedSGD(groups, { nesterov: true }) : new SGD(groups, { nesterov: true });
    case 'Adam': return fused ? new FusedAdam(groups, false) : new Adam(groups, false);
    case 'AdamW': return fused ? new FusedAdam(groups, true) : new Adam(groups, true);
    default:
      throw new OptimizerError('unknown_optimizer', `Optimizer ${String(name)} not implemented (choose SGD, Adam or AdamW)`);
  }
}
