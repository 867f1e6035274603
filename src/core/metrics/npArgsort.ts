// The order NumPy 1.24's default `np.argsort` (kind='quicksort') gives. It is an introsort, not stable, and
// upstream's metrics depend on its tie order: process_batch / ConfusionMatrix sort matches by IoU
// (`argsort()[::-1]`), and ap_per_class sorts all predictions by `-conf`, where equal confidences across
// images change the order of TP/FP inside the precision-recall curve and thus AP. This module replays
// NumPy's `aquicksort_` (median-of-three, partition while more than 16 elements, pushing the larger side on a
// stack, depth limit 2*floor(log2 n) with `aheapsort_` fallback, insertion sort below) on an index array.
// NumPy 1.24 has no SIMD dispatch for argsort, so this is the path upstream's numbers came from.

/** NumPy's float `less`: NaN sorts after every number. */
function npLess(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

const SMALL_QUICKSORT = 15;

function floorLog2(n: number): number {
  return 31 - Math.clz32(n);
}

/** NumPy `aheapsort_` on `idx[pl .. pl+n)` (1-based heap indexing as upstream). */
function aheapsort(v: ArrayLike<number>, idx: Int32Array, pl: number, n: number): void {
  const a = (k: number) => pl + k - 1; // position of heap slot k
  for (let l = n >> 1; l > 0; l--) {
    const tmp = idx[a(l)];
    let i = l;
    for (let j = l << 1; j <= n; ) {
      if (j < n && npLess(v[idx[a(j)]], v[idx[a(j + 1)]])) j += 1;
      if (npLess(v[tmp], v[idx[a(j)]])) {
        idx[a(i)] = idx[a(j)];
        i = j;
        j += j;
      } else break;
    }
    idx[a(i)] = tmp;
  }
  for (; n > 1; ) {
    const tmp = idx[a(n)];
    idx[a(n)] = idx[a(1)];
    n -= 1;
    let i = 1;
    for (let j = 2; j <= n; ) {
      if (j < n && npLess(v[idx[a(j)]], v[idx[a(j + 1)]])) j++;
      if (npLess(v[tmp], v[idx[a(j)]])) {
        idx[a(i)] = idx[a(j)];
        i = j;
        j += j;
      } else break;
    }
    idx[a(i)] = tmp;
  }
}

function swap(idx: Int32Array, i: number, j: number): void {
  const t = idx[i];
  idx[i] = idx[j];
  idx[j] = t;
}

/** `np.argsort(v)` (kind='quicksort') for a 1-D float array, as NumPy 1.24 orders ties. */
export function npArgsort(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const idx = new Int32Array(num);
  for (let i = 0; i < num; i++) idx[i] = i;
  if (num < 2) return idx;
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depths: number[] = [];
  let cdepth = floorLog2(num) * 2;
  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, idx, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (npLess(v[idx[pm]], v[idx[pl]])) swap(idx, pm, pl);
        if (npLess(v[idx[pr]], v[idx[pm]])) swap(idx, pr, pm);
        if (npLess(v[idx[pm]], v[idx[pl]])) swap(idx, pm, pl);
        const vp = v[idx[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(idx, pm, pj);
        for (;;) {
          do pi++;
          while (npLess(v[idx[pi]], vp));
          do pj--;
          while (npLess(vp, v[idx[pj]]));
          if (pi >= pj) break;
          swap(idx, pi, pj);
        }
        swap(idx, pi, pr - 1);
        // Push the larger partition, keep sorting the smaller one.
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = idx[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && npLess(vp, v[idx[pj - 1]])) {
          idx[pj] = idx[pj - 1];
          pj--;
        }
        idx[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depths.pop()!;
  }
  return idx;
}

/** `np.argsort(v, kind='heapsort')`: the same `aheapsort_` the introsort falls back to (for tests). */
export function npArgsortHeap(v: ArrayLike<number>): Int32Array {
  const idx = new Int32Array(v.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  aheapsort(v, idx, 0, v.length);
  return idx;
}

/**
 * `np.unique(keys, return_index=True)[1]`: for each distinct key in ascending order, the position of its first
 * occurrence (NumPy sorts with a stable mergesort here, so "first" is well defined).
 */
export function npUniqueFirstIndex(keys: ArrayLike<number>): Int32Array {
  const order = Array.from({ length: keys.length }, (_, i) => i);
  order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
  const out: number[] = [];
  for (let k = 0; k < order.length; k++) {
    if (k === 0 || keys[order[k]] !== keys[order[k - 1]]) out.push(order[k]);
  }
  return Int32Array.from(out);
}
