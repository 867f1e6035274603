// Upstream ComputeLoss(autobalance=True): per-level objectness weights that drift towards 1/obj_loss and are
// renormalised so the stride-16 level stays at 1. Upstream reads each level's loss back to Python floats; here the
// state lives on the device in a non-trainable variable so computeLoss never reads back (it is float32, not double).
import * as tf from '@tensorflow/tfjs';
import { ownVariable } from '../model/registry';
import { detached } from './autodiff';
import { LossInputError } from './errors';

export class AutoBalance {
  /** Index of the stride-16 level (upstream `ssi`). */
  readonly ssi: number;
  readonly nl: number;
  private readonly state: tf.Variable<tf.Rank.R1>;   // (nl,) current balance

  constructor(initial: readonly number[], strides: readonly number[]) {
    this.ssi = strides.indexOf(16);
    if (this.ssi < 0) {
      throw new LossInputError('LOSS_AUTOBALANCE', `AutoBalance: strides [${strides.join(', ')}] have no stride-16 level to normalise by`);
    }
    if (initial.length < strides.length) {
      throw new LossInputError('LOSS_BALANCE', `AutoBalance: ${initial.length} balance values for ${strides.length} levels`);
    }
    this.nl = strides.length;
    this.state = ownVariable(tf.tensor1d(initial.slice(0, this.nl)), false) as tf.Variable<tf.Rank.R1>;
  }

  /** The balance used by the next computeLoss call, (nl,). Owned by this object: do not dispose. */
  get balance(): tf.Tensor1D {
    return this.state;
  }

  /** balance[i] = balance[i]*0.9999 + 0.0001/obj[i], then all divided by balance[ssi]. objLosses: nl scalars. */
  update(objLosses: tf.Scalar[]): void {
    const next = detached(() => {
      const drifted = tf.add(tf.mul(this.state, 0.9999), tf.div(0.0001, tf.stack(objLosses)));   // (nl,)
      return tf.div(drifted, tf.slice(drifted, [this.ssi], [1]));
    });
    this.state.assign(next as tf.Tensor1D);
    next.dispose();
  }

  async read(): Promise<number[]> {
    return Array.from(await this.state.data());
  }

  dispose(): void {
    this.state.dispose();
  }
}
