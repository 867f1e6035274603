// Transfer learning as upstream train.py does it: copy every checkpoint tensor whose name and shape match the new
// model (intersect_dicts), optionally leaving out anchors, and load the rest of the model as initialised.
import type { StateDict } from './stateDict';
import type { YoloModel } from './yolo';

export interface TransferReport {
  transferred: number;
  total: number;
  /** Checkpoint keys not copied: absent from the model, excluded, or of another shape. */
  skipped: string[];
  /** Upstream's log line. */
  message: string;
}

/** Upstream's intersect_dicts: keys in both, not containing any `exclude` substring, with equal shapes. */
export function intersectDicts(src: StateDict, dst: Map<string, { shape: number[] }>, exclude: readonly string[] = []): StateDict {
  const out: StateDict = new Map();
  for (const [k, v] of src) {
    const d = dst.get(k);
    if (d && !exclude.some((x) => k.includes(x)) && d.shape.length === v.shape.length && d.shape.every((n, i) => n === v.shape[i])) {
      out.set(k, v);
    }
  }
  return out;
}

/**
 * Loads what fits of `src` into `model`. Upstream excludes 'anchor' when a new cfg or hyp anchors are given
 * (and not resuming), so the model keeps its own anchors.
 */
export function transferWeights(model: YoloModel, src: StateDict, opts: { excludeAnchors: boolean; from?: string }): TransferReport {
  const dst = new Map(model.entries.map((e) => [e.name, { shape: e.torchShape }]));
  const csd = intersectDicts(src, dst, opts.excludeAnchors ? ['anchor'] : []);
  model.loadStateDict(csd, opts.from ?? 'checkpoint', { strict: false });
  const total = model.entries.length;
  return {
    transferred: csd.size,
    total,
    skipped: [...src.keys()].filter((k) => !csd.has(k)),
    message: `Transferred ${csd.size}/${total} items${opts.from ? ` from ${opts.from}` : ''}`,
  };
}
