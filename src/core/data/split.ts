// A val split for datasets that come without one (a folder with classes.txt, a single COCO json, ...): seeded and
// stratified, so every class keeps about the same share of its images in val, and the same seed always gives the
// same split whatever order the files arrived in.
import { createRng } from '../rng';
import { DataConfigError } from './errors';
import { compareCodePoints } from './paths';
import type { DatasetImage, SplitReport, VerifiedDataset } from './verify';

export interface SplitOptions {
  /** Share of images that go to val, in (0, 1). Default 0.1 (a 90/10 split). */
  valFraction?: number;
  seed?: number;
}

export const DEFAULT_VAL_FRACTION = 0.1;

interface Labelled {
  path: string;
  labels: Float32Array;
}

/**
 * Splits images into train and val. Each image is filed under its rarest class (the class present in the fewest
 * images; backgrounds form their own group), each group gives val its share of round(N * valFraction) images (largest
 * remainders get the leftovers), and a seeded shuffle picks which. Both lists come back in path order. With two or
 * more images, train and val each get at least one.
 */
export function splitTrainVal<T extends Labelled>(images: readonly T[], opts: SplitOptions = {}): { train: T[]; val: T[] } {
  const f = opts.valFraction ?? DEFAULT_VAL_FRACTION;
  if (!(f > 0 && f < 1)) throw new DataConfigError('bad_split', `the val fraction must be between 0 and 1 (exclusive), got ${f}`);
  const sorted = [...images].sort((a, b) => compareCodePoints(a.path, b.path));
  const n = sorted.length;
  if (n < 2) return { train: sorted, val: [] };
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * f)));

  const imagesWith = new Map<number, number>();
  const classesOf = sorted.map((im) => {
    const set = new Set<number>();
    for (let k = 0; k < im.labels.length; k += 5) set.add(im.labels[k]);
    for (const c of set) imagesWith.set(c, (imagesWith.get(c) ?? 0) + 1);
    return set;
  });
  const groups = new Map<number, number[]>();
  classesOf.forEach((set, i) => {
    let key = -1;
    for (const c of set) if (key < 0 || imagesWith.get(c)! < imagesWith.get(key)! || (imagesWith.get(c) === imagesWith.get(key) && c < key)) key = c;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });

  // Largest-remainder apportionment of nVal over the groups; on equal remainders the smaller group first, so a rare
  // class is not left out of val, then class-id order.
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const size = keys.map((k) => groups.get(k)!.length);
  const quota = size.map((m) => Math.floor((m * nVal) / n));
  const rem = size.map((m, i) => m * nVal - quota[i] * n); // integer remainders: ties are exact
  const order = keys.map((_, i) => i).sort((a, b) => rem[b] - rem[a] || size[a] - size[b] || a - b);
  for (let left = nVal - quota.reduce((s, q) => s + q, 0), j = 0; left > 0; j++, left--) quota[order[j]]++;

  const rng = createRng(opts.seed ?? 0);
  const inVal = new Uint8Array(n);
  keys.forEach((k, gi) => {
    const members = groups.get(k)!;
    for (let i = members.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [members[i], members[j]] = [members[j], members[i]];
    }
    for (let i = 0; i < quota[gi]; i++) inVal[members[i]] = 1;
  });
  return { train: sorted.filter((_, i) => !inVal[i]), val: sorted.filter((_, i) => inVal[i]) };
}

/**
 * Gives a verified dataset without a val split one (or re-splits one made earlier, e.g. with another ratio): train
 * and val are re-drawn from their union, and the report's counters are divided to match (images dropped while
 * scanning stay counted in train, where they were scanned).
 */
export function applyAutoSplit(ds: VerifiedDataset, opts: SplitOptions = {}): VerifiedDataset {
  const pool = [...ds.splits.train, ...(ds.autoSplit ? ds.splits.val ?? [] : [])];
  if (ds.splits.val && !ds.autoSplit) throw new DataConfigError('bad_split', 'the dataset has its own val split');
  const { train, val } = splitTrainVal(pool, opts);
  const scanned = ds.report.splits.train!;
  const valRep = countsOf(val, { ...scanned, split: 'val', corrupt: 0 });
  const trainRep = countsOf(train, scanned);
  trainRep.found = scanned.found - valRep.found;
  trainRep.missing = scanned.missing - valRep.missing;
  trainRep.empty = scanned.empty - valRep.empty;
  return {
    ...ds,
    splits: { ...ds.splits, train, val },
    report: { ...ds.report, splits: { ...ds.report.splits, train: trainRep, val: valRep } },
    autoSplit: { valFraction: opts.valFraction ?? DEFAULT_VAL_FRACTION, seed: opts.seed ?? 0 },
  };
}

/** The kept-image counters of `images`, and found/missing/empty as the scan would have counted them. */
function countsOf(images: DatasetImage[], base: SplitReport): SplitReport {
  const r: SplitReport = { ...base, found: 0, missing: 0, empty: 0, images: images.length, backgrounds: 0, instances: 0, duplicatesRemoved: 0 };
  for (const im of images) {
    const n = im.labels.length / 5;
    r.instances += n;
    r.duplicatesRemoved += im.duplicatesRemoved ?? 0;
    if (!n) r.backgrounds++;
    if (im.labelFile === undefined) r.missing++;
    else {
      r.found++;
      if (!n) r.empty++;
    }
  }
  return r;
}
