// The handful of NumPy 1.24 float64 routines ap_per_class is built from, with NumPy's operation order so the
// results agree to the last bit where that is practical: linspace, interp (binary search with NumPy's
// "largest i with xp[i] <= x" rule and its exact-hit shortcut), trapz, pairwise summation (np.sum / np.mean),
// round-half-to-even (np.round), and upstream's box-filter `smooth`.

/** `np.linspace(start, stop, num)` (endpoint=True): i*step + start, last element forced to stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const y = new Float64Array(num);
  const div = num - 1;
  const step = (stop - start) / div;
  for (let i = 0; i < num; i++) y[i] = i * step + start;
  if (num > 1) y[num - 1] = stop;
  return y;
}

const LIKELY_IN_CACHE_SIZE = 8;

/**
 * NumPy's `binary_search_with_guess`: for increasing xp the largest i with xp[i] <= key (-1 below, len above),
 * checking the neighbours of the previous answer first. Replayed step by step because for a non-monotone xp
 * (which np.interp does not reject) the answer depends on that probing order.
 */
function searchWithGuess(key: number, xp: ArrayLike<number>, guessIn: number): number {
  const len = xp.length;
  let imin = 0;
  let imax = len;
  if (key > xp[len - 1]) return len;
  if (key < xp[0]) return -1;
  if (len <= 4) {
    let i = 1;
    while (i < len && key >= xp[i]) i++;
    return i - 1;
  }
  const guess = Math.max(1, Math.min(guessIn, len - 3));
  if (key < xp[guess]) {
    if (key < xp[guess - 1]) {
      imax = guess - 1;
      if (guess > LIKELY_IN_CACHE_SIZE && key >= xp[guess - LIKELY_IN_CACHE_SIZE]) imin = guess - LIKELY_IN_CACHE_SIZE;
    } else {
      return guess - 1;
    }
  } else {
    if (key < xp[guess + 1]) return guess;
    if (key < xp[guess + 2]) return guess + 1;
    imin = guess + 2;
    if (guess < len - LIKELY_IN_CACHE_SIZE - 1 && key < xp[guess + LIKELY_IN_CACHE_SIZE]) {
      imax = guess + LIKELY_IN_CACHE_SIZE;
    }
  }
  while (imin < imax) {
    const imid = imin + ((imax - imin) >> 1);
    if (key >= xp[imid]) imin = imid + 1;
    else imax = imid;
  }
  return imin - 1;
}

/**
 * `np.interp(x, xp, fp, left, right)` (xp should increase; duplicates are allowed, as in NumPy).
 * Defaults: left = fp[0], right = fp[-1].
 */
export function interp(
  x: ArrayLike<number>,
  xp: ArrayLike<number>,
  fp: ArrayLike<number>,
  left?: number,
  right?: number,
): Float64Array {
  const n = xp.length;
  if (n === 0 || fp.length !== n) throw new RangeError(`interp: xp has ${n} points, fp has ${fp.length}`);
  const lval = left ?? fp[0];
  const rval = right ?? fp[n - 1];
  const out = new Float64Array(x.length);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const xv = x[i];
    if (Number.isNaN(xv)) {
      out[i] = xv;
      continue;
    }
    if (n === 1) {
      out[i] = xv < xp[0] ? lval : xv > xp[0] ? rval : fp[0];
      continue;
    }
    j = searchWithGuess(xv, xp, j);
    if (j === -1) out[i] = lval;
    else if (j === n) out[i] = rval;
    else if (j === n - 1) out[i] = fp[j];
    else if (xp[j] === xv) out[i] = fp[j];
    else {
      const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
      let r = slope * (xv - xp[j]) + fp[j];
      if (Number.isNaN(r)) {
        r = slope * (xv - xp[j + 1]) + fp[j + 1];
        if (Number.isNaN(r) && fp[j] === fp[j + 1]) r = fp[j];
      }
      out[i] = r;
    }
  }
  return out;
}

/** NumPy's pairwise summation of a contiguous float64 run (8 accumulators, blocks of 128). */
function pairwise(a: ArrayLike<number>, off: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i];
    return res;
  }
  if (n <= 128) {
    const r = [a[off], a[off + 1], a[off + 2], a[off + 3], a[off + 4], a[off + 5], a[off + 6], a[off + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] += a[off + i + k];
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[off + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, off, n2) + pairwise(a, off + n2, n - n2);
}

/** `np.sum` of a 1-D float64 array (starts from the additive identity 0, then pairwise). */
export function npSum(a: ArrayLike<number>): number {
  return 0 + pairwise(a, 0, a.length);
}

/** `np.mean` of a 1-D float64 array (NaN for an empty array, as NumPy returns with a warning). */
export function npMean(a: ArrayLike<number>): number {
  return npSum(a) / a.length;
}

/** `np.trapz(y, x)`: sum of d * (y[1:] + y[:-1]) / 2.0 with d = diff(x), summed pairwise. */
export function trapz(y: ArrayLike<number>, x: ArrayLike<number>): number {
  const n = y.length - 1;
  if (n < 1) return 0;
  const terms = new Float64Array(n);
  for (let i = 0; i < n; i++) terms[i] = ((x[i + 1] - x[i]) * (y[i + 1] + y[i])) / 2.0;
  return npSum(terms);
}

/** `np.round(x)`: round half to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round rounds .5 up; NumPy's rint rounds .5 to the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Upstream's `smooth(y, f)`: a box filter of nf = round(len*f*2)//2 + 1 taps, the signal padded at both ends
 * with nf//2 copies of its end values, then `np.convolve(..., 'valid')`. For odd nf (len 1000, f 0.1 -> 101)
 * the output keeps len points; an even nf gives len+1, as upstream.
 */
export function smooth(y: ArrayLike<number>, f = 0.05): Float64Array {
  const len = y.length;
  const nf = Math.floor(roundHalfEven(len * f * 2) / 2) + 1;
  const half = nf >> 1;
  const padded = new Float64Array(len + 2 * half);
  for (let i = 0; i < half; i++) {
    padded[i] = y[0];
    padded[half + len + i] = y[len - 1];
  }
  for (let i = 0; i < len; i++) padded[half + i] = y[i];
  const w = 1 / nf;
  const out = new Float64Array(padded.length - nf + 1);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = 0; k < nf; k++) s += padded[i + k] * w;
    out[i] = s;
  }
  return out;
}

/** `np.argmax`: index of the first maximum (a NaN, if any, wins as in NumPy). */
export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i])) return i;
    if (a[i] > a[best]) best = i;
  }
  return best;
}
