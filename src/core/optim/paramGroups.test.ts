import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { upstreamParamGroups } from '../io';
import { buildModel, modelConfig, type YoloModel } from '../model';
import { createOptimizer } from './factory';
import { buildParamGroups, describeGroups, groupRole, nominalBatch } from './paramGroups';

let model: YoloModel;

beforeAll(async () => {
  await useBackend('cpu');
  model = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 0 });
});

afterAll(() => model.dispose());

describe('smart_optimizer groups', () => {
  it('yolov5n: 60 biases, 60 decayed weights, 57 BN weights, in upstream param-id order', () => {
    const groups = buildParamGroups(model.entries, { lr0: 0.01, momentum: 0.937, weight_decay: 0.0005 });
    expect(groups.map((g) => g.role)).toEqual(['bias', 'decay', 'bn']);
    expect(groups.map((g) => g.params.length)).toEqual([60, 60, 57]);
    // The same grouping the checkpoint reader derives from names (checked there against a real train.py checkpoint).
    expect(groups.map((g) => g.params.map((p) => p.name))).toEqual(upstreamParamGroups(model.entries.map((e) => e.name)));
    expect(groups[0].params.map((p) => p.name)).toContain('model.24.m.2.bias'); // Detect biases are biases
    expect(groups[0].params[0].name).toBe('model.0.bn.bias'); // BN biases too
    expect(groups[1].params.every((p) => p.hwio)).toBe(true);
    expect(groups.map((g) => g.weight_decay)).toEqual([0, 0.0005, 0]);
    expect(groups.every((g) => g.lr === 0.01 && g.initial_lr === 0.01 && g.momentum === 0.937)).toBe(true);
    // Every trainable variable is in exactly one group.
    const all = groups.flatMap((g) => g.params.map((p) => p.variable));
    expect(new Set(all)).toEqual(new Set(model.trainableVariables()));
    expect(describeGroups('SGD', groups, 0.01, 0.0005)).toBe('optimizer: SGD(lr=0.01) with parameter groups 57 weight(decay=0.0), 60 weight(decay=0.0005), 60 bias');
  });

  it('files by name and BatchNorm membership as upstream', () => {
    expect(groupRole('model.0.conv.weight', false)).toBe('decay');
    expect(groupRole('model.0.bn.weight', true)).toBe('bn');
    expect(groupRole('model.0.bn.bias', true)).toBe('bias');
    expect(groupRole('model.24.m.0.bias', false)).toBe('bias');
  });

  it('createOptimizer gives SGD / Adam / AdamW', () => {
    const groups = buildParamGroups(model.entries, { lr0: 0.01, momentum: 0.937, weight_decay: 0.0005 });
    expect(['SGD', 'Adam', 'AdamW'].map((n) => createOptimizer(n as 'SGD', groups).name)).toEqual(['SGD', 'Adam', 'AdamW']);
    expect(() => createOptimizer('RMSProp' as 'SGD', groups)).toThrow(/RMSProp not implemented/);
  });
});

describe('nominal batch', () => {
  it.each([
    [16, 4, 0.0005], [64, 1, 0.0005], [8, 8, 0.0005], [24, 3, 0.0005 * (72 / 64)], [128, 1, 0.001], [1, 64, 0.0005],
  ])('batch %i: accumulate %i, weight_decay %f', (bs, acc, wd) => {
    const r = nominalBatch(bs, 0.0005);
    expect(r.accumulate).toBe(acc);
    expect(r.weightDecay).toBeCloseTo(wd, 18);
  });
});
