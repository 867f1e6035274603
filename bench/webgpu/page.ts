// The WebGPU bench page: starts the webgpu backend (with our kernels, as the studio does) and exposes the step
// bench, the per-layer conv table and the kernel checks to the Playwright drivers through window.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { initBackend } from '../../src/backend/select';
import { FLAT_GATHER, FLAT_SCATTER } from '../../src/core/optim/flat';
import { checkConvKernels, checkFlatCopy } from './check';
import { ablationBench } from './ablation';
import { checkBnRunning } from './checkBnRunning';
import { checkFlatOps } from './checkFlatOps';
import { checkBnSilu } from './checkBnSilu';
import { checkBnSiluParity } from './checkBnSiluParity';
import { installCounters } from './counters';
import { layerBench } from './layerBench';
import type { BenchWindow } from './protocol';
import { stepBench } from './stepBench';

tf.env().set('PROD', true);

const ready = initBackend({ prefer: 'webgpu' }).then((info) => {
  installCounters(tf.backend() as WebGPUBackend);
  return info;
});

const w = window as unknown as BenchWindow;
w.runStepBench = async (req) => {
  const info = await ready;
  return { ...req, adapter: info.adapter ?? 'unknown adapter', ...(await stepBench(req)) };
};
w.runAblation = async (req) => {
  await ready;
  return ablationBench(req);
};
w.runLayerBench = async (req) => {
  await ready;
  return layerBench(req, req.iters);
};
w.checkConvKernels = async (cases) => {
  await ready;
  return checkConvKernels(cases);
};
w.checkBnRunning = async (cases) => {
  await ready;
  return checkBnRunning(cases);
};
w.checkFlatOps = async (cases) => {
  await ready;
  return checkFlatOps(cases);
};
w.checkFlatCopy = async () => {
  await ready;
  await checkFlatCopy();
  // Registered by initBackend (installWebGpuFixes): else the round trip above went through tf.concat / tf.split.
  return tf.getKernel(FLAT_GATHER, 'webgpu') !== undefined && tf.getKernel(FLAT_SCATTER, 'webgpu') !== undefined;
};
w.checkBnSilu = async (cases) => {
  await ready;
  return checkBnSilu(cases);
};
w.checkBnSiluParity = async () => {
  await ready;
  return checkBnSiluParity();
};
