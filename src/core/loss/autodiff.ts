// Small autodiff building blocks that tfjs lacks or gets wrong for the loss.
//
// Why custom ops: tfjs records every op run under tf.grad on its tape and backprops through all of them, so a
// "stop gradient" cannot be a plain op. Ops run *inside* a tf.customGrad forward are not recorded (the engine
// turns the tape off while a kernel runs), so an input-less custom op is a true detach: nothing upstream of it
// is on the tape path. Gradient functions must reach tensors only through `save`: the caller's tf.tidy has
// already disposed every intermediate by the time the backward pass runs.
import * as tf from '@tensorflow/tfjs';

type Save = (tensors: tf.Tensor[]) => void;
// tf.customGrad's callback type (tfjs-core's CustomGradientFunc, which @tensorflow/tfjs does not re-export).
type CustomGradFn<T extends tf.Tensor> = (...inputs: Array<tf.Tensor | Save>) => {
  value: T;
  gradFunc: (dy: T, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
};

/** Run `compute` without recording it for gradients (PyTorch's `torch.no_grad()` / `.detach()`). */
export function detached<T extends tf.Tensor>(compute: () => T): T {
  const op = tf.customGrad((() => ({ value: compute(), gradFunc: () => [] })) as CustomGradFn<T>);
  return op() as T;
}

/**
 * Rows of a 2-D tensor, `x[rows]`: (N, C) -> (n, C). The backward is a scatterND, which sums duplicate rows like
 * PyTorch's index backward. tf.gather's own gradient needs UnsortedSegmentSum, which tfjs-backend-wasm lacks, and
 * tf.gatherND has no registered gradient at all.
 */
export function gatherRows(x: tf.Tensor2D, rows: tf.Tensor1D): tf.Tensor2D {
  const shape = x.shape;
  const op = tf.customGrad(((xIn: tf.Tensor2D, save: Save) => {
    save([rows]);
    return {
      value: tf.gather(xIn, rows),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        tf.scatterND(tf.reshape(saved[0], [-1, 1]), dy, shape),   // (n, 1) indices, (n, C) -> (N, C)
    };
  }) as CustomGradFn<tf.Tensor2D>);
  return op(x) as tf.Tensor2D;
}

/**
 * Element-wise BCEWithLogitsLoss(reduction='none', pos_weight=pw), differentiable in `x` only; `y` is a target
 * and gets no gradient (it is closed over, not an input, so whatever produced it is off the tape path).
 *   loss = (1 - y) * x + (1 + (pw - 1) * y) * (log1p(exp(-|x|)) + max(-x, 0))
 *   dloss/dx = (pw*y + 1 - y) * sigmoid(x) - pw*y      (PyTorch's analytic backward, same op order)
 * A custom gradient also avoids tfjs's zero subgradient of |x| and relu at x == 0.
 */
export function bceWithLogits(x: tf.Tensor, y: tf.Tensor, posWeight: number): tf.Tensor {
  const op = tf.customGrad(((xIn: tf.Tensor, save: Save) => {
    save([xIn, y]);
    const logWeight = tf.add(tf.mul(posWeight - 1, y), 1);
    const softplusNeg = tf.add(tf.log1p(tf.exp(tf.neg(tf.abs(xIn)))), tf.relu(tf.neg(xIn)));
    return {
      value: tf.add(tf.mul(tf.sub(1, y), xIn), tf.mul(logWeight, softplusNeg)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved;
        const t = tf.mul(posWeight, ys);
        return tf.mul(dy, tf.sub(tf.mul(tf.sub(tf.add(t, 1), ys), tf.sigmoid(xs)), t));
      },
    };
  }) as CustomGradFn<tf.Tensor>);
  return op(x);
}
