// The order PyTorch's CPU `argsort(descending=True)` gives (stable=False): ATen sorts (value, index) pairs with
// libstdc++'s `std::sort`, an introsort that is not stable. Equal scores are common enough in NMS (same box,
// two classes with equal products; float32 products colliding over thousands of candidates) that a stable JS
// sort would reorder output rows relative to upstream. This module replays libstdc++'s algorithm step by step
// (median-of-three to first, unguarded partition, depth limit 2*floor(log2 n) with heapsort fallback, final
// insertion sort with threshold 16), so ties land where they land upstream.

/** `before(a, b)`: element a must come before element b (the strict-weak-order comparator). */
type Before = (a: number, b: number) => boolean;

const THRESHOLD = 16;

function floorLog2(n: number): number {
  return 31 - Math.clz32(n);
}

function moveMedianToFirst(v: Int32Array, result: number, a: number, b: number, c: number, before: Before): void {
  let pick: number;
  if (before(v[a], v[b])) {
    if (before(v[b], v[c])) pick = b;
    else if (before(v[a], v[c])) pick = c;
    else pick = a;
  } else if (before(v[a], v[c])) pick = a;
  else if (before(v[b], v[c])) pick = c;
  else pick = b;
  const t = v[result];
  v[result] = v[pick];
  v[pick] = t;
}

function unguardedPartition(v: Int32Array, first: number, last: number, pivot: number, before: Before): number {
  const p = v[pivot];
  for (;;) {
    while (before(v[first], p)) first++;
    last--;
    while (before(p, v[last])) last--;
    if (!(first < last)) return first;
    const t = v[first];
    v[first] = v[last];
    v[last] = t;
    first++;
  }
}

// Heap helpers with libstdc++'s exact hole-moving sequence (make_heap / pop_heap / sort_heap).
function pushHeap(v: Int32Array, base: number, hole: number, top: number, value: number, before: Before): void {
  let parent = (hole - 1) >> 1;
  while (hole > top && before(v[base + parent], value)) {
    v[base + hole] = v[base + parent];
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  v[base + hole] = value;
}

function adjustHeap(v: Int32Array, base: number, hole: number, len: number, value: number, before: Before): void {
  const top = hole;
  let child = hole;
  while (child < ((len - 1) >> 1)) {
    child = 2 * (child + 1);
    if (before(v[base + child], v[base + child - 1])) child--;
    v[base + hole] = v[base + child];
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) >> 1) {
    child = 2 * (child + 1);
    v[base + hole] = v[base + child - 1];
    hole = child - 1;
  }
  pushHeap(v, base, hole, top, value, before);
}

function heapSort(v: Int32Array, first: number, last: number, before: Before): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = (len - 2) >> 1; ; parent--) {
    adjustHeap(v, first, parent, len, v[first + parent], before);
    if (parent === 0) break;
  }
  for (let end = last; end - first > 1; ) {
    end--;
    const value = v[end];
    v[end] = v[first];
    adjustHeap(v, first, 0, end - first, value, before);
  }
}

function introsortLoop(v: Int32Array, first: number, last: number, depth: number, before: Before): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSort(v, first, last, before);
      return;
    }
    depth--;
    const mid = first + ((last - first) >> 1);
    moveMedianToFirst(v, first, first + 1, mid, last - 1, before);
    const cut = unguardedPartition(v, first + 1, last, first, before);
    introsortLoop(v, cut, last, depth, before);
    last = cut;
  }
}

function insertionSort(v: Int32Array, first: number, last: number, before: Before): void {
  for (let i = first + 1; i < last; i++) {
    const val = v[i];
    if (before(val, v[first])) {
      v.copyWithin(first + 1, first, i);
      v[first] = val;
    } else {
      let j = i;
      while (before(val, v[j - 1])) {
        v[j] = v[j - 1];
        j--;
      }
      v[j] = val;
    }
  }
}

function unguardedInsertionSort(v: Int32Array, first: number, last: number, before: Before): void {
  for (let i = first; i < last; i++) {
    const val = v[i];
    let j = i;
    while (before(val, v[j - 1])) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = val;
  }
}

/** Sorts `v` (element ids) in place exactly as libstdc++ `std::sort(v.begin(), v.end(), before)` would. */
export function stdSort(v: Int32Array, before: Before): Int32Array {
  const n = v.length;
  if (n === 0) return v;
  introsortLoop(v, 0, n, floorLog2(n) * 2, before);
  if (n > THRESHOLD) {
    insertionSort(v, 0, THRESHOLD, before);
    unguardedInsertionSort(v, THRESHOLD, n, before);
  } else {
    insertionSort(v, 0, n, before);
  }
  return v;
}

/** libstdc++ heap sort alone (the introsort fallback), exported so its tie order can be tested directly. */
export function stdHeapSort(v: Int32Array, before: Before): Int32Array {
  heapSort(v, 0, v.length, before);
  return v;
}

/**
 * PyTorch CPU `values.argsort(descending=True)` (unstable): NaN first, then larger values first, ties in
 * libstdc++ introsort order. `values` are read as float32 numbers.
 */
export function torchArgsortDesc(values: ArrayLike<number>): Int32Array {
  const idx = new Int32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return stdSort(idx, (a, b) => {
    const va = values[a];
    const vb = values[b];
    return (Number.isNaN(va) && !Number.isNaN(vb)) || va > vb;
  });
}
