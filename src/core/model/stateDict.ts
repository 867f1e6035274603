// state_dict <-> model tensors. A state_dict here is upstream's: names, NCHW/OIHW layout, float32 values.
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import type { StateEntry } from './registry';

export interface StateTensor {
  data: Float32Array;
  shape: number[];
}
export type StateDict = Map<string, StateTensor>;

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Checks every key first, so a bad state_dict changes nothing; then writes all tensors. `strict: false` (PyTorch's
 * load_state_dict(strict=False), used by transfer learning) loads the keys present and leaves the others.
 */
export function applyStateDict(entries: readonly StateEntry[], sd: StateDict, file: string, strict = true): void {
  if (!strict) entries = entries.filter((e) => sd.has(e.name));
  for (const e of entries) {
    const t = sd.get(e.name);
    if (!t) throw new ShapeError('missing_key', `missing key '${e.name}' (expected shape [${e.torchShape}])`, { file });
    if (!sameShape(t.shape, e.torchShape) && !(e.kind === 'count' && numel(t.shape) === 1)) {
      throw new ShapeError('bad_shape',
        `key '${e.name}' has shape [${t.shape}] but the model expects [${e.torchShape}]`, { file });
    }
    if (t.data.length !== numel(t.shape)) {
      throw new ShapeError('bad_data', `key '${e.name}' has ${t.data.length} values for shape [${t.shape}]`, { file });
    }
  }
  const known = new Set(entries.map((e) => e.name));
  const extra = [...sd.keys()].filter((k) => !known.has(k));
  if (extra.length) {
    throw new ShapeError('unexpected_key', `unexpected key${extra.length > 1 ? 's' : ''} ${extra.slice(0, 5).map((k) => `'${k}'`).join(', ')}${extra.length > 5 ? ', ...' : ''}`, { file });
  }
  for (const e of entries) {
    const t = sd.get(e.name)!;
    switch (e.kind) {
      case 'conv_weight': {
        const [o, i, kh, kw] = e.torchShape;
        tf.tidy(() => e.variable!.assign(tf.transpose(tf.tensor4d(t.data, [o, i, kh, kw]), [2, 3, 1, 0])));
        break;
      }
      case 'param':
      case 'running':
        tf.tidy(() => e.variable!.assign(tf.tensor1d(t.data)));
        break;
      case 'count':
        (e.host as { value: number }).value = t.data[0];
        break;
      case 'anchors':
        (e.host as { values: Float32Array }).values.set(t.data);
        break;
    }
  }
}

export async function readStateDict(entries: readonly StateEntry[]): Promise<StateDict> {
  const sd: StateDict = new Map();
  for (const e of entries) {
    let data: Float32Array;
    switch (e.kind) {
      case 'conv_weight': {
        const t = tf.transpose(e.variable!, [3, 2, 0, 1]); // HWIO -> OIHW
        data = (await t.data()) as Float32Array;
        t.dispose();
        break;
      }
      case 'param':
      case 'running':
        data = ((await e.variable!.data()) as Float32Array).slice();
        break;
      case 'count':
        data = Float32Array.of((e.host as { value: number }).value);
        break;
      case 'anchors':
        data = (e.host as { values: Float32Array }).values.slice();
        break;
    }
    sd.set(e.name, { data, shape: [...e.torchShape] });
  }
  return sd;
}
