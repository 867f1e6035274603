import { describe, expect, it } from 'vitest';
import type { TryItResult } from '../../../protocol/checkpointTools';
import type { CheckpointEntry } from '../../../storage';
import { checkpointChoices, chosenCheckpoint, groupByRun } from './choices';
import { countText, detectionRows, firstImage, truthBoxes, tryItEntry } from './tryItView';

const entry = (id: string, kind: CheckpointEntry['kind'], epoch: number): CheckpointEntry =>
  ({ id, kind, epoch, size: 1, savedAt: 0, meta: { epoch } });

describe('checkpoint choices', () => {
  const choices = checkpointChoices([
    { id: 'r2', name: 'exp2', entries: [entry('last', 'last', 4)] },
    { id: 'r1', name: 'exp1', entries: [entry('last', 'last', -1), entry('best', 'best', -1), entry('epoch-3', 'epoch', 3)] },
  ]);

  it('names each entry by run, file and epoch', () => {
    expect(choices.map((c) => `${c.runName}: ${c.label}`)).toEqual([
      'exp2: last.pt · after epoch 5', 'exp1: last.pt · final', 'exp1: best.pt · final', 'exp1: epoch3.pt · after epoch 4',
    ]);
    expect(groupByRun(choices).map((g) => [g.runName, g.choices.length])).toEqual([['exp2', 1], ['exp1', 3]]);
  });

  it('the pick while it exists, else the open run\'s best (its last before one), else the newest run\'s', () => {
    expect(chosenCheckpoint(choices, 'r1/epoch-3', 'r2')?.key).toBe('r1/epoch-3');
    expect(chosenCheckpoint(choices, 'r1/gone', 'r1')?.key).toBe('r1/best');
    expect(chosenCheckpoint(choices, null, 'r2')?.key).toBe('r2/last');
    expect(chosenCheckpoint(choices, null, null)?.key).toBe('r2/last');
    expect(chosenCheckpoint(choices, null, 'r9')?.key).toBe('r2/last');
    expect(chosenCheckpoint([], 'r1/best', 'r1')).toBeNull();
  });
});

describe('try-it view', () => {
  const result = {
    names: ['cat', 'dog'], width: 200, height: 100,
    dets: Float32Array.of(10.4, 20.6, 50, 60, 0.9, 1, 0, 0, 5, 5, 0.2, 0),
  } as unknown as TryItResult;

  it('draws the detections above the slider and the true boxes in pixels', () => {
    const truth = truthBoxes([1, 0.5, 0.5, 0.2, 0.4], 200, 100);
    // float32 arithmetic as upstream's xywhn2xyxy: 0.5 - 0.2 is not exactly 0.3.
    [1, 80, 30, 120, 70].forEach((v, i) => expect(truth[i]).toBeCloseTo(v, 4));
    const e = tryItEntry(result, 0.25, truth);
    expect([e.width, e.height, e.dets.length, e.labels]).toEqual([200, 100, 6, truth]);
    expect(tryItEntry(result, 0.1, null).dets.length).toBe(12);
  });

  it('lists rows with names, three-decimal confidences and whole-pixel boxes; counts in words', () => {
    expect(detectionRows(result.dets, result.names, 10)).toEqual([
      { cls: 1, name: 'dog', conf: '0.900', box: '10, 21 – 50, 60' },
      { cls: 0, name: 'cat', conf: '0.200', box: '0, 0 – 5, 5' },
    ]);
    expect(detectionRows(result.dets, result.names, 1)).toHaveLength(1);
    expect([countText(0), countText(1), countText(7)]).toEqual(['no detections', '1 detection', '7 detections']);
  });

  it('takes the first image of a drop, by type or extension', () => {
    const f = (name: string, type = '') => ({ name, type });
    expect(firstImage([f('notes.txt', 'text/plain'), f('a.PNG'), f('b.jpg', 'image/jpeg')])?.name).toBe('a.PNG');
    expect(firstImage([f('x.heic', 'image/heic')])?.name).toBe('x.heic');
    expect(firstImage([f('labels.txt')])).toBeNull();
  });
});
