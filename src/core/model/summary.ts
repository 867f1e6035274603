// Upstream's model summary from specs alone (no tensors): the per-layer table parse_model prints, the module count,
// parameter count and GFLOPs as thop 0.1.1 counts them (conv MACs without bias, BN 4 ops per element, nothing for
// SiLU / pooling / nearest upsampling), measured at the max stride and scaled to the image size, then x2.
import { MODULES } from './modules';
import type { LayerSpec, ResolvedModel } from './spec';

export interface LayerRowSummary { index: number; from: string; n: number; params: number; module: string; args: string }
export interface ModelSummary {
  name: string;
  rows: LayerRowSummary[];
  /** Modules in the PyTorch model (model.modules(), the shared SiLU counted once). */
  layers: number;
  parameters: number;
  gflops: number;
  imgsz: number;
}

/** Python's str() of the yaml values we print: lists, None, True/False, 'strings', numbers. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  return String(v);
}

const convParams = (c1: number, c2: number, k: number) => c1 * c2 * k * k + 2 * c2; // conv + BN weight/bias

function layerParams(l: LayerSpec): number {
  switch (l.kind) {
    case 'Conv': return convParams(l.conv!.c1, l.conv!.c2, l.conv!.k);
    case 'C3': {
      const { c1, c2, n, hidden: c } = l.c3!;
      return 2 * convParams(c1, c, 1) + convParams(2 * c, c2, 1) + n * (convParams(c, c, 1) + convParams(c, c, 3));
    }
    case 'SPPF': return convParams(l.sppf!.c1, l.sppf!.hidden, 1) + convParams(l.sppf!.hidden * 4, l.sppf!.c2, 1);
    case 'Detect': return l.detect!.ch.reduce((s, c) => s + (c + 1) * l.c2, 0);
    default: return 0;
  }
}

/** Modules each layer contributes to model.modules(): Conv = Conv + Conv2d + BatchNorm2d (SiLU is shared). */
function layerModules(l: LayerSpec): number {
  switch (l.kind) {
    case 'Conv': return 3;
    case 'C3': return 1 + 3 * 3 + 1 + l.c3!.n * (1 + 2 * 3);
    case 'SPPF': return 1 + 2 * 3 + 1;
    case 'Detect': return 1 + 1 + l.detect!.ch.length;
    default: return 1;
  }
}

// thop's count of a Conv block (conv MACs + BN) producing an (h, w, c2) map.
const convOps = (h: number, w: number, c1: number, c2: number, k: number) => h * w * c2 * c1 * k * k + 4 * h * w * c2;

export function summarize(m: ResolvedModel, name: string, imgsz = 640, stride = 32): ModelSummary {
  const s = Math.max(stride, 32);
  const size: number[] = []; // square feature size per layer at an s x s input
  let ops = 0;
  for (const l of m.layers) {
    const hin = l.inputs[0] === -1 ? s : size[l.inputs[0]];
    let h = hin;
    switch (l.kind) {
      case 'Conv': {
        const { c1, c2, k, s: st, p } = l.conv!;
        h = Math.floor((hin + 2 * p - k) / st) + 1;
        ops += convOps(h, h, c1, c2, k);
        break;
      }
      case 'C3': {
        const { c1, c2, n, hidden: c } = l.c3!;
        ops += 2 * convOps(h, h, c1, c, 1) + convOps(h, h, 2 * c, c2, 1) + n * (convOps(h, h, c, c, 1) + convOps(h, h, c, c, 3));
        break;
      }
      case 'SPPF': {
        const { c1, c2, hidden: c } = l.sppf!;
        ops += convOps(h, h, c1, c, 1) + convOps(h, h, 4 * c, c2, 1);
        break;
      }
      case 'Upsample': h = hin * l.upsample!.scale; break;
      case 'Detect':
        l.inputs.forEach((j, i) => { ops += size[j] * size[j] * l.c2 * l.detect!.ch[i]; });
        break;
      default: break;
    }
    size.push(h);
  }
  const rows = m.layers.map((l) => ({
    index: l.index,
    from: pyRepr(l.from),
    n: l.n,
    params: layerParams(l),
    module: MODULES[l.module].torchClass,
    args: pyRepr(l.args),
  }));
  return {
    name,
    rows,
    layers: 3 + m.layers.reduce((n, l) => n + layerModules(l), 0), // + DetectionModel, Sequential, shared SiLU
    parameters: rows.reduce((n, r) => n + r.params, 0),
    gflops: (ops / 1e9) * 2 * (imgsz / s) * (imgsz / s),
    imgsz,
  };
}

/** Upstream's name for a config file stem: yolov5s -> YOLOv5s; anything else -> Model. */
export function summaryName(stem?: string): string {
  return stem && stem.startsWith('yolov5') ? stem.replace('yolov5', 'YOLOv5') : stem ?? 'Model';
}

export function formatSummary(sum: ModelSummary): string {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const lines = [`${''.padStart(3)}${pad('from', 18)}${pad('n', 3)}${pad('params', 10)}  ${'module'.padEnd(40)}${'arguments'.padEnd(30)}`];
  for (const r of sum.rows) {
    lines.push(`${pad(r.index, 3)}${pad(r.from, 18)}${pad(r.n, 3)}${pad(r.params, 10)}  ${r.module.padEnd(40)}${r.args.padEnd(30)}`);
  }
  lines.push(`${sum.name} summary: ${sum.layers} layers, ${sum.parameters} parameters, ${sum.parameters} gradients, ${sum.gflops.toFixed(1)} GFLOPs`);
  return lines.join('\n');
}
