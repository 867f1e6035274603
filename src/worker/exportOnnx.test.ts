// ONNX export of a stored checkpoint, as the worker runs it: the reference's upstream-trained best.pt is stored as a
// run (through the cluster-run import), exported from IndexedDB at the run's own image size and at a given one.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { REF_DIR } from '../../test/refs';
import { OnnxExportError, readOnnxSummary } from '../core/io/onnx';
import { getRun } from '../storage';
import { freshDb } from '../storage/testing';
import type { TrainConfig } from '../protocol/messages';
import { exportStoredCheckpoint, onnxFileName } from './exportOnnx';
import { importDroppedRun } from './importRun';

const BEST = readFileSync(resolve(REF_DIR, 'upstream_synth_e100_best.pt'));

describe('onnxFileName', () => {
  it('<run>-<entry>.onnx with the run name made one safe path segment', () => {
    expect(onnxFileName('exp1 · yolov5n · sample', 'best')).toBe('exp1-yolov5n-sample-best.onnx');
    expect(onnxFileName('synth_e100 (cluster)', 'epoch-3')).toBe('synth_e100-cluster-epoch3.onnx');
    expect(onnxFileName('···', 'last')).toBe('run-last.onnx');
  });
});

describe('exportStoredCheckpoint', () => {
  beforeAll(() => useBackend('cpu'));

  it('a stored best.pt -> ONNX with input images (1,3,H,W) at the run\'s imgsz, output0 (1,N,5+nc), names in metadata', async () => {
    const { db } = freshDb();
    const run = await importDroppedRun(db, { files: [{ path: 'best.pt', file: new File([BEST], 'best.pt') }], name: 'synth e100' });
    const imgsz = ((await getRun(db, run.runId)).config as TrainConfig).options.imgsz;
    const out = await exportStoredCheckpoint(db, { runId: run.runId, entryId: 'best' });
    expect(out.fileName).toBe('synth-e100-best.onnx');
    const s = readOnnxSummary(out.bytes);
    expect(s.inputs).toEqual([{ name: 'images', dims: [1, 3, imgsz, imgsz] }]);
    const rows = 3 * ((imgsz / 8) ** 2 + (imgsz / 16) ** 2 + (imgsz / 32) ** 2);
    expect(s.outputs).toEqual([{ name: 'output0', dims: [1, rows, 5 + 3] }]);
    expect(s.opsets).toEqual([{ domain: '', version: 12 }]);
    expect(s.metadata.names).toBe("{0: 'rectangle', 1: 'circle', 2: 'triangle'}");

    // An explicit size and --dynamic: symbolic axes as upstream's dynamic_axes.
    const dyn = readOnnxSummary((await exportStoredCheckpoint(db, { runId: run.runId, entryId: 'best', imgsz: 64, dynamic: true })).bytes);
    expect(dyn.inputs[0].dims).toEqual(['batch', 3, 'height', 'width']);
    expect(dyn.outputs[0].dims).toEqual(['batch', 'anchors', 8]);
  });

  it('a size that is no multiple of the stride, and a missing checkpoint, fail with their codes', async () => {
    const { db } = freshDb();
    const run = await importDroppedRun(db, { files: [{ path: 'best.pt', file: new File([BEST], 'best.pt') }] });
    await expect(exportStoredCheckpoint(db, { runId: run.runId, entryId: 'best', imgsz: 100 })).rejects.toSatisfy(
      (e: unknown) => e instanceof OnnxExportError && e.code === 'bad_img_size' && /best\.pt/.test(e.message),
    );
    await expect(exportStoredCheckpoint(db, { runId: run.runId, entryId: 'last' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
