// smart_optimizer's choice of optimizer by name, over the three groups.
import type { OptimizerName } from '../config/trainOptions';
import { Adam } from './adam';
import { OptimizerError } from './errors';
import type { Optimizer } from './optimizer';
import type { ParamGroup } from './paramGroups';
import { SGD } from './sgd';

/** SGD(momentum, nesterov=True), Adam(betas=(momentum, 0.999)) or AdamW(same, decoupled decay). */
export function createOptimizer(name: OptimizerName, groups: ParamGroup[]): Optimizer {
  switch (name) {
    case 'SGD': return new SGD(groups, { nesterov: true });
    case 'Adam': return new Adam(groups, false);
    case 'AdamW': return new Adam(groups, true);
    default:
      throw new OptimizerError('unknown_optimizer', `Optimizer ${String(name)} not implemented (choose SGD, Adam or AdamW)`);
  }
}
