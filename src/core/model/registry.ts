// The model's tensors in upstream state_dict order, with the names, shapes and layouts PyTorch uses, so a
// state_dict maps 1:1 in both directions.
import * as tf from '@tensorflow/tfjs';
import { convBiasBound, convWeightBound, type TorchGenerator } from '../torchGenerator';

export type EntryKind =
  | 'conv_weight' // stored HWIO here, OIHW upstream
  | 'param' // 1-D trainable (BN weight/bias, conv bias)
  | 'running' // BN running_mean / running_var: non-trainable variables
  | 'count' // BN num_batches_tracked: a host integer (int64 upstream)
  | 'anchors'; // Detect anchors (nl, na, 2) in grid units: host numbers

export interface StateEntry {
  name: string;
  kind: EntryKind;
  torchShape: number[];
  variable?: tf.Variable;
  /** For 'count': the number of batches tracked; for 'anchors': the flat (nl*na*2) grid-unit values. */
  host?: { value: number } | { values: Float32Array };
  /** BatchNorm weight/bias: upstream's optimizer puts these in their own no-decay group. */
  isBnWeight?: boolean;
}

export class Registry {
  readonly entries: StateEntry[] = [];

  constructor(private readonly gen: TorchGenerator) {}

  /**
   * PyTorch's default Conv2d init, kaiming_uniform(a=sqrt(5)): U(-b, b) with b = 1/sqrt(fan_in), drawn in
   * torch's OIHW memory order from the shared generator (so the stream matches upstream's), stored HWIO.
   */
  convWeight(name: string, cOut: number, cIn: number, k: number): tf.Variable {
    const bound = convWeightBound(cIn * k * k);
    const oihw = new Float32Array(cOut * cIn * k * k);
    this.gen.uniform(oihw, -bound, bound);
    const data = new Float32Array(oihw.length);
    for (let o = 0; o < cOut; o++) {
      for (let i = 0; i < cIn; i++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) data[((y * k + x) * cIn + i) * cOut + o] = oihw[((o * cIn + i) * k + y) * k + x];
        }
      }
    }
    // Unnamed: tfjs variable names are global, and several models may live in one process.
    const v = ownVariable(tf.tensor4d(data, [k, k, cIn, cOut]), true);
    this.entries.push({ name, kind: 'conv_weight', torchShape: [cOut, cIn, k, k], variable: v });
    return v;
  }

  /** Conv2d bias init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn right after its weight as torch does. */
  convBias(name: string, cOut: number, fanIn: number): tf.Variable {
    const bound = convBiasBound(fanIn);
    const data = new Float32Array(cOut);
    this.gen.uniform(data, -bound, bound);
    return this.vector(name, data, 'param');
  }

  vector(name: string, data: Float32Array, kind: 'param' | 'running', isBnWeight = false): tf.Variable {
    const v = ownVariable(tf.tensor1d(data), kind === 'param');
    this.entries.push({ name, kind, torchShape: [data.length], variable: v, isBnWeight });
    return v;
  }

  counter(name: string, value: number): { value: number } {
    const host = { value };
    this.entries.push({ name, kind: 'count', torchShape: [], host });
    return host;
  }

  anchors(name: string, gridUnits: number[][][]): { values: Float32Array } {
    const nl = gridUnits.length;
    const na = gridUnits[0].length;
    const host = { values: Float32Array.from(gridUnits.flat(2)) };
    this.entries.push({ name, kind: 'anchors', torchShape: [nl, na, 2], host });
    return host;
  }

  dispose(): void {
    for (const e of this.entries) e.variable?.dispose();
  }
}

/** A variable that owns its value: tf.variable() leaves the initial tensor alive (and counted) beside it. */
export function ownVariable(initial: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}
