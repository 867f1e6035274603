/**
 * Which state_dict entry each optimizer parameter index refers to. Upstream's smart_optimizer walks
 * model.modules() and files each module's parameters into: group 0 biases (no decay), group 1 other
 * weights (decay), group 2 BatchNorm weights (no decay); torch then numbers parameters group by group.
 * state_dict order is the same module pre-order, so the groups can be rebuilt from the key names.
 */
const BUFFER = /\.(running_mean|running_var|num_batches_tracked|anchors)$/;

/** Parameter names per optimizer group; index i of the flattened result is optimizer param id i. */
export function upstreamParamGroups(stateDictKeys: Iterable<string>): [string[], string[], string[]] {
  const keys = [...stateDictKeys];
  const all = new Set(keys);
  const biases: string[] = [];
  const decay: string[] = [];
  const bn: string[] = [];
  for (const k of keys) {
    if (BUFFER.test(k)) continue;
    if (k.endsWith('.bias')) biases.push(k);
    else if (k.endsWith('.weight') && all.has(k.replace(/weight$/, 'running_mean'))) bn.push(k);
    else decay.push(k);
  }
  return [biases, decay, bn];
}
