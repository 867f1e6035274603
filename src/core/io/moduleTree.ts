/**
 * Builds the pickled module tree upstream's DetectionModel has (models.yolo / models.common / torch.nn
 * objects with torch 1.13 attribute dicts) from a model yaml and a state_dict with upstream names.
 * Layer hyper-parameters (kernel, stride, padding) come from the yaml rows, channel counts from the tensors.
 */
import { CheckpointError } from './errors';
import type { ModelYaml, StateDict, YamlRow } from './checkpoint';
import type { Plain } from './pyconvert';
import { OrderedDict, PyFloat, PyObject, type PyValue, TorchTensor, tuple } from './pyvalues';
import { makeTensor } from './tensor';

export interface ModuleBuildOptions {
  /** dtype of floating-point parameters and buffers ('float16' for train.py checkpoints) */
  dtype: 'float16' | 'float32';
  training: boolean;
  requiresGrad: boolean;
  /** the SiLU instance every Conv shares (upstream's Conv.default_act is one object) */
  act: PyObject;
}

const TYPE_PATH: Record<string, string> = {
  Conv: 'models.common.Conv',
  C3: 'models.common.C3',
  SPPF: 'models.common.SPPF',
  Concat: 'models.common.Concat',
  'nn.Upsample': 'torch.nn.modules.upsampling.Upsample',
  Detect: 'models.yolo.Detect',
};

/** A torch.nn.Module record with the attribute dict torch 1.13 pickles, then the class's own attributes. */
export function moduleRecord(
  cls: string,
  training: boolean,
  parts: { params?: [string, TorchTensor | null][]; buffers?: [string, TorchTensor][]; children?: [string, PyObject][]; attrs?: [string, PyValue][] },
): PyObject {
  const o = new PyObject(cls);
  const d = o.__dict__;
  d.set('training', training);
  d.set('_parameters', new OrderedDict(parts.params ?? []));
  d.set('_buffers', new OrderedDict(parts.buffers ?? []));
  d.set('_non_persistent_buffers_set', new Set());
  d.set('_backward_hooks', new OrderedDict());
  d.set('_is_full_backward_hook', null);
  d.set('_forward_hooks', new OrderedDict());
  d.set('_forward_pre_hooks', new OrderedDict());
  d.set('_state_dict_hooks', new OrderedDict());
  d.set('_load_state_dict_pre_hooks', new OrderedDict());
  d.set('_load_state_dict_post_hooks', new OrderedDict());
  d.set('_modules', new OrderedDict(parts.children ?? []));
  for (const [k, v] of parts.attrs ?? []) d.set(k, v);
  return o;
}

export function siluRecord(training: boolean): PyObject {
  return moduleRecord('torch.nn.modules.activation.SiLU', training, { attrs: [['inplace', true]] });
}

/** Python's round(): half to even. */
function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const isNone = (v: Plain | undefined): boolean => v === undefined || v === null || v === 'None';
const intArg = (v: Plain | undefined, dflt: number): number => (isNone(v) ? dflt : Number(v));

class TreeBuilder {
  readonly used = new Set<string>();
  constructor(
    private readonly sd: StateDict,
    private readonly o: ModuleBuildOptions,
  ) {}

  tensor(name: string, kind: 'param' | 'buffer'): TorchTensor {
    const t = this.sd.get(name);
    if (!t) throw new CheckpointError('bad_model', `state_dict has no ${name}, which the model yaml implies`);
    this.used.add(name);
    const isInt = t.dtype === 'int64' || name.endsWith('num_batches_tracked');
    const dtype = isInt ? 'int64' : this.o.dtype;
    return makeTensor(t.data, t.shape, dtype, kind === 'param' ? { isParameter: true, requiresGrad: this.o.requiresGrad } : {});
  }
  has(name: string): boolean {
    return this.sd.has(name);
  }

  conv2d(p: string, s: number, pad: number | null, d: number, g: number, bias: boolean): PyObject {
    const w = this.tensor(`${p}weight`, 'param');
    const [c2, cin, kh, kw] = w.shape;
    if (w.shape.length !== 4) throw new CheckpointError('bad_model', `${p}weight must be OIHW, got ${JSON.stringify(w.shape)}`);
    const ph = pad ?? ((d * (kh - 1) + 1) >> 1); // upstream autopad
    const pw = pad ?? ((d * (kw - 1) + 1) >> 1);
    return moduleRecord('torch.nn.modules.conv.Conv2d', this.o.training, {
      params: [['weight', w], ['bias', bias ? this.tensor(`${p}bias`, 'param') : null]],
      attrs: [
        ['in_channels', cin * g], ['out_channels', c2], ['kernel_size', tuple(kh, kw)], ['stride', tuple(s, s)],
        ['padding', tuple(ph, pw)], ['dilation', tuple(d, d)], ['transposed', false], ['output_padding', tuple(0, 0)],
        ['groups', g], ['padding_mode', 'zeros'], ['_reversed_padding_repeated_twice', tuple(pw, pw, ph, ph)],
      ],
    });
  }

  batchNorm(p: string): PyObject {
    const weight = this.tensor(`${p}weight`, 'param');
    const nbt = this.has(`${p}num_batches_tracked`) ? this.tensor(`${p}num_batches_tracked`, 'buffer') : makeTensor([0], [], 'int64');
    return moduleRecord('torch.nn.modules.batchnorm.BatchNorm2d', this.o.training, {
      params: [['weight', weight], ['bias', this.tensor(`${p}bias`, 'param')]],
      buffers: [['running_mean', this.tensor(`${p}running_mean`, 'buffer')], ['running_var', this.tensor(`${p}running_var`, 'buffer')], ['num_batches_tracked', nbt]],
      attrs: [['num_features', weight.shape[0]], ['eps', new PyFloat(0.001)], ['momentum', new PyFloat(0.03)], ['affine', true], ['track_running_stats', true]],
    });
  }

  /** models.common.Conv: Conv2d(bias=False) + BatchNorm2d + the shared SiLU */
  conv(p: string, s = 1, pad: number | null = null, g = 1, d = 1, extra: [string, PyValue][] = []): PyObject {
    return moduleRecord('models.common.Conv', this.o.training, {
      children: [['conv', this.conv2d(`${p}conv.`, s, pad, d, g, false)], ['bn', this.batchNorm(`${p}bn.`)], ['act', this.o.act]],
      attrs: extra,
    });
  }

  c3(p: string, n: number, shortcut: boolean, extra: [string, PyValue][]): PyObject {
    const m: [string, PyObject][] = [];
    for (let k = 0; k < n; k++) {
      const q = `${p}m.${k}.`;
      m.push([String(k), moduleRecord('models.common.Bottleneck', this.o.training, {
        children: [['cv1', this.conv(`${q}cv1.`)], ['cv2', this.conv(`${q}cv2.`)]],
        attrs: [['add', shortcut]], // c1 == c2 inside C3 (e=1.0)
      })]);
    }
    return moduleRecord('models.common.C3', this.o.training, {
      children: [['cv1', this.conv(`${p}cv1.`)], ['cv2', this.conv(`${p}cv2.`)], ['cv3', this.conv(`${p}cv3.`)], ['m', this.sequential(m)]],
      attrs: extra,
    });
  }

  sppf(p: string, k: number, extra: [string, PyValue][]): PyObject {
    const pool = moduleRecord('torch.nn.modules.pooling.MaxPool2d', this.o.training, {
      attrs: [['kernel_size', k], ['stride', 1], ['padding', k >> 1], ['dilation', 1], ['return_indices', false], ['ceil_mode', false]],
    });
    return moduleRecord('models.common.SPPF', this.o.training, {
      children: [['cv1', this.conv(`${p}cv1.`)], ['cv2', this.conv(`${p}cv2.`)], ['m', pool]],
      attrs: extra,
    });
  }

  sequential(children: [string, PyObject][], cls = 'torch.nn.modules.container.Sequential'): PyObject {
    return moduleRecord(cls, this.o.training, { children });
  }

  /** Count of Bottlenecks under `p` (model.i.m.K.*) in the state_dict. */
  repeats(p: string): number {
    let n = 0;
    while (this.has(`${p}m.${n}.cv1.conv.weight`)) n++;
    return n;
  }
}

export interface BuiltModel {
  /** the nn.Sequential of layers (DetectionModel._modules['model']) */
  sequential: PyObject;
  /** DetectionModel.save */
  save: number[];
  /** layer strides derived from the yaml (pixels), e.g. [8, 16, 32] */
  stride: number[];
}

/** The nn.Sequential of YOLOv5 layers for `yaml`, holding the tensors of `sd` (keys model.<i>.*). */
export function buildLayers(yaml: ModelYaml, sd: StateDict, opts: ModuleBuildOptions): BuiltModel {
  const rows: YamlRow[] = [...(yaml.backbone ?? []), ...(yaml.head ?? [])];
  if (!rows.length) throw new CheckpointError('bad_model', 'model yaml has no backbone/head rows');
  const b = new TreeBuilder(sd, opts);
  const gd = Number(yaml.depth_multiple ?? 1);
  const layers: [string, PyObject][] = [];
  const save: number[] = [];
  const strides: number[] = []; // per layer, relative to the input image
  let detectStrides: number[] = [];
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || row.length < 4) throw new CheckpointError('bad_model', `model yaml row ${i} is not [from, number, module, args]`);
    const [f, n0, mod, args] = row;
    const froms = Array.isArray(f) ? f : [f];
    for (const x of froms) if (x !== -1) save.push(((x % i) + i) % i);
    const fromStride = (x: number): number => strides[x < 0 ? i + x : x] ?? 1;
    const n = n0 > 1 ? Math.max(pyRound(n0 * gd), 1) : n0;
    const p = `model.${i}.`;
    const np = (): number => [...b.used].filter((k) => k.startsWith(p) && !/(running_mean|running_var|num_batches_tracked|anchors)$/.test(k)).reduce((s, k) => s + sd.get(k)!.data.length, 0);
    const tail = (): [string, PyValue][] => [['i', i], ['f', Array.isArray(f) ? [...f] : f], ['type', TYPE_PATH[mod]], ['np', np()]];
    let m: PyObject;
    let stride = fromStride(froms[0]);
    switch (mod) {
      case 'Conv': {
        const s = intArg(args[2], 1);
        m = b.conv(p, s, isNone(args[3]) ? null : Number(args[3]), intArg(args[4], 1), intArg(args[5], 1));
        for (const [k, v] of tail()) m.__dict__.set(k, v);
        stride *= s;
        break;
      }
      case 'C3': {
        const found = b.repeats(p);
        if (found !== n) throw new CheckpointError('bad_model', `layer ${i} (C3): yaml implies ${n} bottlenecks, state_dict has ${found}`);
        m = b.c3(p, n, args[1] !== false && args[1] !== 'False', []);
        for (const [k, v] of tail()) m.__dict__.set(k, v);
        break;
      }
      case 'SPPF':
        m = b.sppf(p, intArg(args[1], 5), []);
        for (const [k, v] of tail()) m.__dict__.set(k, v);
        break;
      case 'nn.Upsample': {
        const scale = Number(args[1] ?? 2);
        m = moduleRecord('torch.nn.modules.upsampling.Upsample', opts.training, {
          attrs: [['name', 'Upsample'], ['size', isNone(args[0]) ? null : Number(args[0])], ['scale_factor', new PyFloat(scale)],
            ['mode', String(args[2] ?? 'nearest')], ['align_corners', null], ['recompute_scale_factor', null], ...tail()],
        });
        stride /= scale;
        break;
      }
      case 'Concat':
        m = moduleRecord('models.common.Concat', opts.training, { attrs: [['d', intArg(args[0], 1)], ...tail()] });
        break;
      case 'Detect':
        m = buildDetect(b, p, froms.length, opts, tail);
        detectStrides = froms.map(fromStride);
        break;
      default:
        throw new CheckpointError('unsupported_module', `model yaml row ${i} uses module '${mod}', which we cannot write`);
    }
    strides.push(stride);
    layers.push([String(i), m]);
  });
  const unused = [...sd.keys()].filter((k) => !b.used.has(k));
  if (unused.length) throw new CheckpointError('bad_model', `state_dict entries the model yaml does not account for: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', ...' : ''}`);
  return { sequential: b.sequential(layers), save: save.sort((a, c) => a - c), stride: detectStrides };
}

function buildDetect(b: TreeBuilder, p: string, nl: number, opts: ModuleBuildOptions, tail: () => [string, PyValue][]): PyObject {
  const anchors = b.tensor(`${p}anchors`, 'buffer');
  if (anchors.shape.length !== 3 || anchors.shape[0] !== nl || anchors.shape[2] !== 2) {
    throw new CheckpointError('bad_model', `${p}anchors must be (nl=${nl}, na, 2), got ${JSON.stringify(anchors.shape)}`);
  }
  const na = anchors.shape[1];
  const convs: [string, PyObject][] = [];
  for (let k = 0; k < nl; k++) convs.push([String(k), b.conv2d(`${p}m.${k}.`, 1, null, 1, 1, true)]);
  const out = (convs[0][1].get('out_channels') as number) ?? 0;
  if (out % na !== 0 || out / na <= 5) throw new CheckpointError('bad_model', `${p}m.0 has ${out} outputs, not na*(nc+5) with na=${na}`);
  const no = out / na;
  // Detect.grid / anchor_grid start as torch.empty(0) and are rebuilt for the input size on the first forward.
  const empty = (): TorchTensor => makeTensor([], [0], opts.dtype);
  const m = moduleRecord('models.yolo.Detect', opts.training, {
    buffers: [['anchors', anchors]],
    children: [['m', b.sequential(convs, 'torch.nn.modules.container.ModuleList')]],
    attrs: [['nc', no - 5], ['no', no], ['nl', nl], ['na', na], ['grid', Array.from({ length: nl }, empty)], ['anchor_grid', Array.from({ length: nl }, empty)], ['inplace', true]],
  });
  for (const [k, v] of tail()) m.__dict__.set(k, v);
  return m;
}
