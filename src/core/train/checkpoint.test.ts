// Our fp32 resume state inside train.py-form checkpoints: the float32 tensor of version 2, and version 1's byte
// string (checkpoints already in users' storage), unpack to the same state_dict; a wrong size is refused.
import { describe, expect, it } from 'vitest';
import type { StateDict } from '../io';
import { TorchTensor } from '../io/pyvalues';
import { packState, unpackState } from './checkpoint';

const like: StateDict = new Map([
  ['a.weight', { data: Float32Array.from([1.5, -2, 3.25, 0.1]), shape: [2, 2] }],
  ['a.bias', { data: Float32Array.from([7, Math.fround(1e-30)]), shape: [2] }],
]);

describe('fp32 resume state', () => {
  it('round-trips as a float32 tensor (version 2) and from version 1 bytes', () => {
    const t = packState(like);
    expect(t).toBeInstanceOf(TorchTensor);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([6]);
    const v1 = new Uint8Array(Float32Array.from([1.5, -2, 3.25, 0.1, 7, 1e-30]).buffer);
    for (const packed of [t, v1]) {
      const sd = unpackState(packed, like, 'last.pt');
      expect([...sd.keys()]).toEqual(['a.weight', 'a.bias']);
      for (const [k, v] of sd) {
        expect(v.shape).toEqual(like.get(k)!.shape);
        expect(Array.from(v.data)).toEqual(Array.from(like.get(k)!.data));
      }
    }
  });

  it('refuses a size that is not the model\'s, and anything that is not packed floats, naming the file', () => {
    expect(() => unpackState(new Uint8Array(20), like, 'runs/exp/last.pt')).toThrow(/^runs\/exp\/last\.pt: .*hold 5 values, the model 6/);
    expect(() => unpackState('weights', like, 'last.pt')).toThrow(/^last\.pt: .*neither a float32 tensor nor packed float32 bytes/);
    expect(() => unpackState(new Uint8Array(6), like, 'last.pt')).toThrow(/neither a float32 tensor nor packed float32 bytes/);
  });
});
