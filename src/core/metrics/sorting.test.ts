// Tie order of the two unstable sorts upstream's numbers depend on. Expected permutations were produced by
// PyTorch 1.13.1 (`argsort(descending=True)`) and NumPy 1.24.2 (`np.argsort`, default and kind='heapsort'),
// the versions the reference fixtures come from; a stable sort gives different answers for all of them.
import { describe, expect, it } from 'vitest';
import { npArgsort, npArgsortHeap, npUniqueFirstIndex } from './npArgsort';
import { stdHeapSort, stdSort, torchArgsortDesc } from './stdSort';

// v[i] = ((i * 7) % 5) / 4 for 40 elements (5 distinct values, many ties, > 16 elements so partitioning runs).
const V = Float32Array.from({ length: 40 }, (_, i) => ((i * 7) % 5) / 4);
// w[i] = (i * 5) % 3 for 30 elements.
const W = Float32Array.from({ length: 30 }, (_, i) => (i * 5) % 3);

const stableDesc = (v: Float32Array) => Array.from(v.keys()).sort((a, b) => v[b] - v[a]);

describe('torchArgsortDesc (libstdc++ std::sort as ATen uses it)', () => {
  it('reproduces torch.argsort(descending=True) tie order', () => {
    expect(Array.from(torchArgsortDesc(V))).toEqual([
      17, 2, 37, 22, 7, 32, 27, 12, 9, 24, 14, 29, 19, 34, 4, 39, 21, 1, 26, 31, 36, 16, 11, 6, 18, 23, 38, 13, 28,
      3, 8, 33, 0, 20, 5, 35, 10, 30, 15, 25,
    ]);
    expect(Array.from(torchArgsortDesc(W))).toEqual([
      1, 28, 4, 25, 7, 22, 10, 19, 13, 16, 29, 26, 23, 20, 17, 14, 11, 8, 5, 2, 15, 12, 18, 9, 21, 6, 24, 3, 27, 0,
    ]);
    expect(Array.from(torchArgsortDesc(V))).not.toEqual(stableDesc(V));
  });

  it('puts NaN first and sorts small inputs like insertion sort (stable)', () => {
    expect(Array.from(torchArgsortDesc([0.5, NaN, 0.7, 0.5, 0.7]))).toEqual([1, 2, 4, 0, 3]);
    expect(Array.from(torchArgsortDesc([]))).toEqual([]);
  });

  it('heap fallback is a correct sort', () => {
    const ids = Int32Array.from(V.keys());
    const sorted = Array.from(stdHeapSort(ids, (a, b) => V[a] > V[b]), (i) => V[i]);
    expect(sorted).toEqual([...V].sort((a, b) => b - a));
    const all = Array.from(stdSort(Int32Array.from([3, 1, 2, 0]), (a, b) => a < b));
    expect(all).toEqual([0, 1, 2, 3]);
  });
});

describe('npArgsort (NumPy 1.24 aquicksort)', () => {
  it('reproduces np.argsort tie order', () => {
    expect(Array.from(npArgsort(V))).toEqual([
      0, 20, 15, 30, 10, 25, 35, 5, 23, 8, 33, 28, 13, 3, 38, 18, 6, 21, 1, 36, 16, 26, 11, 31, 34, 29, 19, 14, 9, 4,
      24, 39, 27, 22, 17, 12, 32, 7, 2, 37,
    ]);
    expect(Array.from(npArgsort(W))).toEqual([
      0, 27, 3, 24, 6, 21, 9, 18, 12, 15, 26, 23, 20, 17, 14, 11, 8, 5, 2, 29, 13, 16, 10, 19, 7, 22, 4, 25, 1, 28,
    ]);
  });

  it('reproduces np.argsort(kind="heapsort") (the introsort fallback)', () => {
    expect(Array.from(npArgsortHeap(V))).toEqual([
      0, 30, 5, 25, 35, 10, 15, 20, 18, 33, 3, 8, 38, 13, 28, 23, 6, 26, 11, 21, 16, 36, 1, 31, 29, 14, 24, 4, 19, 9,
      39, 34, 27, 12, 2, 22, 37, 17, 32, 7,
    ]);
  });

  it('sorts NaN last', () => {
    expect(Array.from(npArgsort([NaN, 2, 1]))).toEqual([2, 1, 0]);
  });

  it('np.unique(return_index=True) gives first occurrences in key order', () => {
    expect(Array.from(npUniqueFirstIndex([3, 1, 3, 0, 1]))).toEqual([3, 1, 0]);
  });
});
