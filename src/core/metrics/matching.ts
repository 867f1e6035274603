// The label<->detection assignment upstream uses in val.py `process_batch` and in `ConfusionMatrix`:
// candidate pairs come in torch.where order (label-major), are sorted by IoU descending with NumPy's
// unstable `argsort()[::-1]`, reduced to one pair per detection (`np.unique(..., return_index=True)`: the
// first occurrence), and then to one pair per label. process_batch does NOT re-sort between the two unique
// steps (the line is commented out upstream), so a label keeps the pair with the lowest detection index among
// those left, not the highest IoU; ConfusionMatrix does re-sort. Both quirks are reproduced.
import { npArgsort, npUniqueFirstIndex } from './npArgsort';

/** Candidate pairs, parallel arrays; iou holds float32 values. */
export interface Pairs {
  label: number[];
  det: number[];
  iou: number[];
}

function take(p: Pairs, idx: ArrayLike<number>): Pairs {
  const out: Pairs = { label: [], det: [], iou: [] };
  for (let k = 0; k < idx.length; k++) {
    out.label.push(p.label[idx[k]]);
    out.det.push(p.det[idx[k]]);
    out.iou.push(p.iou[idx[k]]);
  }
  return out;
}

/** `matches[matches[:, 2].argsort()[::-1]]`. */
function sortByIouDesc(p: Pairs): Pairs {
  return take(p, npArgsort(p.iou).reverse());
}

/** Upstream's reduction of candidate pairs to a one-to-one matching. */
export function uniqueMatches(pairs: Pairs, resortBeforeLabels: boolean): Pairs {
  if (pairs.label.length <= 1) return pairs;
  let m = sortByIouDesc(pairs);
  m = take(m, npUniqueFirstIndex(m.det));
  if (resortBeforeLabels) m = sortByIouDesc(m);
  return take(m, npUniqueFirstIndex(m.label));
}
