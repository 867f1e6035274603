// np.argsort(x) with numpy's default kind ('quicksort': introsort, NOT stable) for float64 keys, reproduced step for
// step (numpy 1.24 npysort aquicksort/aheapsort). Where keys tie, numpy's order depends on the algorithm, and
// upstream's rect batching sorts images by aspect ratio, which ties constantly (every 640x480 photo): the images
// that straddle a batch boundary, and so their letterbox shapes, depend on this exact order.

const SMALL_QUICKSORT = 15;

/** numpy's float ordering: NaN after everything. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** Indices that sort `v` ascending, in the order numpy's np.argsort(v) (kind='quicksort') returns them. */
export function argsortNumpy(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const tosort = new Int32Array(num);
  for (let i = 0; i < num; i++) tosort[i] = i;
  if (num < 2) return tosort;

  const swap = (i: number, j: number) => {
    const t = tosort[i];
    tosort[i] = tosort[j];
    tosort[j] = t;
  };
  const stack: number[] = [];
  const depthStack: number[] = [];
  let pl = 0;
  let pr = num - 1;
  let cdepth = 2 * (31 - Math.clz32(num)); // npy_get_msb(num) * 2

  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, tosort, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        // median of three into pm, pivot parked at pr - 1
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[tosort[pm]], v[tosort[pl]])) swap(pm, pl);
        if (less(v[tosort[pr]], v[tosort[pm]])) swap(pr, pm);
        if (less(v[tosort[pm]], v[tosort[pl]])) swap(pm, pl);
        const vp = v[tosort[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (less(v[tosort[pi]], vp));
          do --pj;
          while (less(vp, v[tosort[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // push the larger partition, loop on the smaller
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      // insertion sort of the small remainder
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = tosort[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && less(vp, v[tosort[pj - 1]])) {
          tosort[pj] = tosort[pj - 1];
          pj--;
        }
        tosort[pj] = vi;
      }
    }
    if (!stack.length) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
  return tosort;
}

/** numpy aheapsort on tosort[start .. start+n-1] (its fallback when quicksort recursion gets too deep). */
function aheapsort(v: ArrayLike<number>, tosort: Int32Array, start: number, n: number): void {
  // numpy indexes the heap from 1: a[k] is tosort[start + k - 1]
  const a = (k: number) => tosort[start + k - 1];
  const set = (k: number, x: number) => {
    tosort[start + k - 1] = x;
  };
  const sift = (l: number, size: number, tmp: number) => {
    let i = l;
    for (let j = l << 1; j <= size; ) {
      if (j < size && less(v[a(j)], v[a(j + 1)])) j += 1;
      if (less(v[tmp], v[a(j)])) {
        set(i, a(j));
        i = j;
        j += j;
      } else break;
    }
    set(i, tmp);
  };
  for (let l = n >> 1; l > 0; --l) sift(l, n, a(l));
  for (let size = n; size > 1; ) {
    const tmp = a(size);
    set(size, a(1));
    size -= 1;
    sift(1, size, tmp);
  }
}
