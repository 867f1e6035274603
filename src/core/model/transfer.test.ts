import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { buildModel, modelConfig } from './index';
import { transferWeights } from './transfer';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('transferWeights', () => {
  it('copies every same-name same-shape tensor to a model with another nc, leaving the Detect convs', async () => {
    const src = buildModel(modelConfig('yolov5n'), { nc: 80, seed: 1 });
    const dst = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 2 });
    const sd = await src.stateDict();
    const before = await dst.stateDict();
    const r = transferWeights(dst, sd, { excludeAnchors: true, from: 'yolov5n.pt' });
    // 349 keys; the 6 Detect conv tensors change shape with nc and the anchors are excluded.
    expect(r.message).toBe('Transferred 342/349 items from yolov5n.pt');
    expect(r.skipped.sort()).toEqual(['model.24.anchors', ...[0, 1, 2].flatMap((i) => [`model.24.m.${i}.bias`, `model.24.m.${i}.weight`])].sort());
    const after = await dst.stateDict();
    expect(after.get('model.5.conv.weight')!.data).toEqual(sd.get('model.5.conv.weight')!.data);
    expect(after.get('model.24.m.0.weight')!.data).toEqual(before.get('model.24.m.0.weight')!.data);
    src.dispose();
    dst.dispose();
  });

  it('keeps anchors when not excluded and the shapes match', async () => {
    const src = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 1 });
    const dst = buildModel(modelConfig('yolov5n'), { nc: 3, seed: 2 });
    const r = transferWeights(dst, await src.stateDict(), { excludeAnchors: false });
    expect(r.transferred).toBe(349);
    expect(r.message).toBe('Transferred 349/349 items');
    src.dispose();
    dst.dispose();
  });
});
