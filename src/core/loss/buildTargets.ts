// YOLOv5 v7.0 target assignment (ComputeLoss.build_targets) on host typed arrays.
//
// Every label is matched to every anchor whose width and height ratios are both within anchor_t, then copied to up
// to two neighbouring cells whose centre lies within half a cell (g = 0.5) of the label centre. The output order is
// upstream's: offset-major (centre, left, up, right, down), then anchor-major, then label order. Order matters: the
// objectness target scatter keeps the last write when two matches land on one cell.
// Arithmetic is float32 (Math.fround per step) like the upstream tensors, so borderline matches agree.
import { LossInputError } from './errors';

export interface LevelTargets {
  /** Number of matches n. */
  n: number;
  /** Image index in the batch, (n,). */
  b: Int32Array;
  /** Anchor index within the level, (n,). */
  a: Int32Array;
  /** Grid row, clamped to [0, ny - 1], (n,). */
  gj: Int32Array;
  /** Grid column, clamped to [0, nx - 1], (n,). */
  gi: Int32Array;
  /** (n, 4) row-major: [gx - gi, gy - gj, gw, gh] in grid units. */
  tbox: Float32Array;
  /** (n, 2) row-major: the matched anchor's [w, h] in grid units. */
  anch: Float32Array;
  /** Class index, (n,). */
  tcls: Int32Array;
}

export interface BuildTargetsOptions {
  /** Per level [ny, nx], taken from the prediction shapes. */
  grids: ReadonlyArray<readonly [number, number]>;
  /** (nl, na, 2) anchors in grid units (pixels / stride). */
  anchors: ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>;
  /** hyp.anchor_t: the largest allowed label/anchor side ratio. */
  anchorT: number;
}

const f32 = Math.fround;
const G = 0.5;
// Cell offsets (times g) for: the label's own cell, then the cell left, above, right, below.
const OFFSETS: ReadonlyArray<readonly [number, number]> = [[0, 0], [G, 0], [0, G], [-G, 0], [0, -G]];

/** PyTorch's float remainder `x % 1` (result has the sign of the divisor). */
function frac(x: number): number {
  const r = x % 1;
  return r < 0 ? f32(r + 1) : r;
}

/** targets: (nt, 6) rows [img, cls, cx, cy, w, h], cx..h normalised to 0..1. */
export function buildTargets(targets: Float32Array, opts: BuildTargetsOptions): LevelTargets[] {
  const { grids, anchors, anchorT } = opts;
  if (targets.length % 6 !== 0) {
    throw new LossInputError('LOSS_TARGETS_SHAPE', `buildTargets: targets has ${targets.length} values, not a multiple of 6 (rows [img, cls, cx, cy, w, h])`);
  }
  if (anchors.length !== grids.length) {
    throw new LossInputError('LOSS_ANCHORS', `buildTargets: ${anchors.length} anchor levels for ${grids.length} prediction levels`);
  }
  const nt = targets.length / 6;
  return grids.map(([ny, nx], level) => {
    const anc = anchors[level].map((wh, k) => {
      if (wh.length !== 2 || !(wh[0] > 0) || !(wh[1] > 0)) {
        throw new LossInputError('LOSS_ANCHORS', `buildTargets: anchors[${level}][${k}] must be [w, h] > 0, got [${wh.join(', ')}]`);
      }
      return [f32(wh[0]), f32(wh[1])] as const;
    });
    return buildLevel(targets, nt, ny, nx, anc, anchorT);
  });
}

function buildLevel(targets: Float32Array, nt: number, ny: number, nx: number,
  anc: ReadonlyArray<readonly [number, number]>, anchorT: number): LevelTargets {
  // Anchor matching, anchor-major like upstream's (na, nt) mask: matched (label, anchor) pairs.
  const mt: number[] = [];
  const ma: number[] = [];
  for (let a = 0; a < anc.length; a++) {
    for (let t = 0; t < nt; t++) {
      const rw = f32(f32(targets[t * 6 + 4] * nx) / anc[a][0]);
      const rh = f32(f32(targets[t * 6 + 5] * ny) / anc[a][1]);
      const worst = Math.max(rw, f32(1 / rw), rh, f32(1 / rh));
      if (worst < anchorT) { mt.push(t); ma.push(a); }
    }
  }

  // Which of the 5 cells each match goes to (upstream's j, k, l, m masks plus the always-true centre).
  const m = mt.length;
  const use: Uint8Array[] = OFFSETS.map(() => new Uint8Array(m));
  let n = 0;
  for (let s = 0; s < m; s++) {
    const gx = f32(targets[mt[s] * 6 + 2] * nx);
    const gy = f32(targets[mt[s] * 6 + 3] * ny);
    const gxi = f32(nx - gx);
    const gyi = f32(ny - gy);
    use[0][s] = 1;
    use[1][s] = frac(gx) < G && gx > 1 ? 1 : 0;
    use[2][s] = frac(gy) < G && gy > 1 ? 1 : 0;
    use[3][s] = frac(gxi) < G && gxi > 1 ? 1 : 0;
    use[4][s] = frac(gyi) < G && gyi > 1 ? 1 : 0;
    for (let o = 0; o < OFFSETS.length; o++) n += use[o][s];
  }

  const out: LevelTargets = {
    n, b: new Int32Array(n), a: new Int32Array(n), gj: new Int32Array(n), gi: new Int32Array(n),
    tbox: new Float32Array(n * 4), anch: new Float32Array(n * 2), tcls: new Int32Array(n),
  };
  let k = 0;
  for (let o = 0; o < OFFSETS.length; o++) {
    const [ox, oy] = OFFSETS[o];
    for (let s = 0; s < m; s++) {
      if (!use[o][s]) continue;
      const row = mt[s] * 6;
      const gx = f32(targets[row + 2] * nx);
      const gy = f32(targets[row + 3] * ny);
      // .long() truncates toward zero; upstream then clamps in place, and because gi/gj are views of gij the
      // clamped cell is also what tbox's offset is measured from.
      const gi = Math.min(Math.max(Math.trunc(f32(gx - ox)), 0), nx - 1);
      const gj = Math.min(Math.max(Math.trunc(f32(gy - oy)), 0), ny - 1);
      out.b[k] = Math.trunc(targets[row]);
      out.tcls[k] = Math.trunc(targets[row + 1]);
      out.a[k] = ma[s];
      out.gi[k] = gi;
      out.gj[k] = gj;
      out.tbox.set([f32(gx - gi), f32(gy - gj), f32(targets[row + 4] * nx), f32(targets[row + 5] * ny)], k * 4);
      out.anch.set(anc[ma[s]], k * 2);
      k++;
    }
  }
  return out;
}
