// parse_model as pure data: yaml rows -> resolved layers (absolute inputs, channels, repeats, printed args).
// Both the tfjs model and the summary/GFLOPs table are built from these specs.
import { ModelConfigError } from '../errors';
import type { ModelConfig } from './configs';
import { MODULES, type ModuleKind } from './modules';

export interface ConvArgs { c1: number; c2: number; k: number; s: number; p: number }

export interface LayerSpec {
  index: number;
  /** Inputs as written in the yaml (for the summary table). */
  from: number | number[];
  /** Inputs as absolute layer indices; -1 means the model input. */
  inputs: number[];
  /** Repeats after the depth gain (upstream's n_). */
  n: number;
  module: string;
  kind: ModuleKind;
  /** Args after resolution, as upstream prints them. */
  args: unknown[];
  c1: number;
  c2: number;
  // Kind-specific resolved parameters.
  conv?: ConvArgs;
  c3?: { c1: number; c2: number; n: number; shortcut: boolean; hidden: number };
  sppf?: { c1: number; c2: number; k: number; hidden: number };
  upsample?: { scale: number };
  detect?: { nc: number; anchors: number[][]; ch: number[] };
}

export interface ResolvedModel {
  nc: number;
  na: number;
  /** Anchors per level in pixels, as pairs: (nl, na, 2). */
  anchorsPx: number[][][];
  layers: LayerSpec[];
}

/** Python's round(): halves go to the even neighbour (round(2.5) == 2), which the depth gain relies on. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export const makeDivisible = (x: number, divisor: number): number => Math.ceil(x / divisor) * divisor;

export function resolveModel(cfg: ModelConfig, ncOverride?: number, file = cfg.name ?? 'model.yaml'): ResolvedModel {
  const nc = ncOverride ?? cfg.nc;
  if (!Number.isInteger(nc) || nc < 1) {
    throw new ModelConfigError('bad_nc', `nc must be a positive integer, got ${nc}`, { file });
  }
  const gd = cfg.depth_multiple;
  const gw = cfg.width_multiple;
  const anchorsPx = typeof cfg.anchors === 'number' ? null : cfg.anchors.map((lvl) => pairs(lvl));
  const na = anchorsPx ? anchorsPx[0].length : (cfg.anchors as number);
  const no = na * (nc + 5);
  const rows = [...cfg.backbone, ...cfg.head];
  const ch: number[] = [];
  const layers: LayerSpec[] = [];
  const fail = (i: number, msg: string) => {
    throw new ModelConfigError('bad_layer', `layer ${i} (${JSON.stringify(rows[i])}): ${msg}`, { file });
  };

  rows.forEach(([from, number, module, rawArgs], i) => {
    const info = MODULES[module];
    if (!info) fail(i, `unknown module ${JSON.stringify(module)}`);
    const fromList = Array.isArray(from) ? from : [from];
    const inputs = fromList.map((f) => (f < 0 ? i + f : f));
    for (const j of inputs) {
      // -1 (from layer 0) is the image; anything else must be an earlier layer.
      if (j >= i || j < -1 || (j === -1 && i !== 0)) fail(i, `input ${j} is not an earlier layer`);
    }
    const chIn = (j: number) => (j === -1 ? 3 : ch[j]);
    // Upstream eval()s string args: the names nc / anchors / None become values, other strings stay strings.
    const named: Record<string, unknown> = { nc, anchors: cfg.anchors, None: null, True: true, False: false };
    const args = rawArgs.map((a) => (typeof a === 'string' && a in named ? named[a] : a));
    let n = number > 1 ? Math.max(pyRound(number * gd), 1) : number;
    const nPrinted = n;
    const spec: Partial<LayerSpec> = { index: i, from, inputs, module, kind: info.kind };
    const c1 = chIn(inputs[0]);
    const intArg = (k: number, dflt?: number): number => {
      const v = args[k] ?? dflt;
      if (!Number.isInteger(v) || (v as number) < 0) fail(i, `argument ${k} must be a non-negative integer`);
      return v as number;
    };
    let c2: number;
    switch (info.kind) {
      case 'Conv': {
        c2 = intArg(0);
        if (c2 !== no) c2 = makeDivisible(c2 * gw, 8);
        const k = intArg(1, 1);
        const s = intArg(2, 1);
        if (k < 1 || s < 1) fail(i, 'kernel and stride must be >= 1');
        const p = args[3] === undefined || args[3] === null ? Math.floor(k / 2) : intArg(3);
        spec.conv = { c1, c2, k, s, p };
        spec.args = [c1, c2, ...args.slice(1)];
        break;
      }
      case 'C3': {
        c2 = intArg(0);
        if (c2 !== no) c2 = makeDivisible(c2 * gw, 8);
        const shortcut = args[1] === undefined ? true : args[1];
        if (typeof shortcut !== 'boolean') fail(i, 'C3 shortcut must be True or False');
        if (args.length > 2) fail(i, 'C3 takes [c2, shortcut] here (groups and expansion are not supported)');
        spec.c3 = { c1, c2, n, shortcut: shortcut as boolean, hidden: Math.trunc(c2 * 0.5) };
        spec.args = [c1, c2, n, ...args.slice(1)];
        n = 1;
        break;
      }
      case 'SPPF': {
        c2 = intArg(0);
        if (c2 !== no) c2 = makeDivisible(c2 * gw, 8);
        const k = intArg(1, 5);
        if (k % 2 !== 1) fail(i, 'SPPF kernel must be odd');
        spec.sppf = { c1, c2, k, hidden: Math.floor(c1 / 2) };
        spec.args = [c1, c2, ...args.slice(1)];
        break;
      }
      case 'Upsample': {
        const [size, scale, mode] = args;
        if (size !== null || !Number.isInteger(scale) || (mode ?? 'nearest') !== 'nearest') {
          fail(i, "only nn.Upsample [None, <integer scale>, 'nearest'] is supported");
        }
        c2 = c1;
        spec.upsample = { scale: scale as number };
        spec.args = args;
        break;
      }
      case 'Concat': {
        if ((args[0] ?? 1) !== 1) fail(i, 'Concat is supported along the channel dimension (1) only');
        c2 = inputs.reduce((sum, j) => sum + chIn(j), 0);
        spec.args = args;
        break;
      }
      case 'Detect': {
        if (!anchorsPx) fail(i, 'Detect needs explicit anchors (an anchor count needs AutoAnchor, not supported here)');
        if (inputs.length !== anchorsPx!.length) {
          fail(i, `Detect has ${inputs.length} inputs but anchors has ${anchorsPx!.length} levels`);
        }
        const dch = inputs.map(chIn);
        c2 = no;
        spec.detect = { nc, anchors: cfg.anchors as number[][], ch: dch };
        spec.args = [nc, cfg.anchors, dch];
        if (i !== rows.length - 1) fail(i, 'Detect must be the last layer');
        break;
      }
    }
    // Upstream would wrap other repeated modules in nn.Sequential with identical args; none of the supported
    // modules is meaningful that way, so a repeat count is accepted on C3 only.
    if (n > 1) fail(i, 'repeats > 1 are supported for C3 only');
    spec.n = nPrinted;
    spec.c1 = c1;
    spec.c2 = c2!;
    layers.push(spec as LayerSpec);
    ch.push(c2!);
  });
  if (layers[layers.length - 1]?.kind !== 'Detect') {
    throw new ModelConfigError('no_detect', 'the last layer must be Detect', { file });
  }
  return { nc, na, anchorsPx: anchorsPx!, layers };
}

function pairs(flat: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
