// Tests run on a named backend with our kernel fixes installed (the cpu backend is the parity reference, and
// stock tfjs 4.22 cpu has a wrong ResizeNearestNeighborGrad for batch > 1).
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../src/backend/select';

export async function useBackend(name: BackendName): Promise<void> {
  tf.env().set('PROD', true); // no "install tfjs-node" banner in test logs
  await initBackend({ prefer: name });
  if (tf.getBackend() !== name) throw new Error(`wanted backend ${name}, got ${tf.getBackend()}`);
}
