// `yolo-studio export` end to end: the file lands next to the weights (or at --out), upstream's lines are printed,
// onnxruntime runs the result; bad formats and unsupported checkpoints fail with messages that name them.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { focusCheckpointBytes } from '../../test/focusCheckpoint';
import { SHARED_DIR } from '../../test/refs';
import { readOnnxSummary } from '../core/io/onnx';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'ys-export-'));
const cli = (...args: string[]) => run('node', ['bin/yolo-studio.js', 'export', ...args], { encoding: 'utf8' });
/** Runs a command that must fail: its exit code and stderr. */
const failing = (...args: string[]) => cli(...args).then(
  () => { throw new Error('expected a failure'); },
  (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
);

describe('yolo-studio export', () => {
  it('writes W.onnx next to W.pt and prints upstream\'s lines; onnxruntime runs it', async () => {
    const weights = join(tmp, 'yolov5n.pt');
    copyFileSync(resolve(SHARED_DIR, 'weights/yolov5n.pt'), weights);
    const { stdout } = await cli('--weights', weights, '--include', 'onnx', '--img', '320');
    const out = join(tmp, 'yolov5n.onnx');
    expect(stdout).toContain(`PyTorch: starting from ${weights} with output shape (1, 6300, 85) (3.9 MB)`);
    expect(stdout).toMatch(new RegExp(`ONNX: export success ✅ [\\d.]+s, saved as ${out.replace(/[.]/g, '\\.')} \\(7\\.\\d MB\\)`));
    expect(stdout).toContain(`Detect:          python detect.py --weights ${out}`);
    expect(stdout).toContain('images float32 [1, 3, 320, 320] (RGB / 255, NCHW) -> output0 [1, 6300, 85]');
    const bytes = new Uint8Array(readFileSync(out));
    expect(readOnnxSummary(bytes).metadata.stride).toBe('32');
    const s = await ort.InferenceSession.create(bytes);
    const r = await s.run({ images: new ort.Tensor('float32', new Float32Array(3 * 320 * 320).fill(114 / 255), [1, 3, 320, 320]) });
    expect(r.output0.dims).toEqual([1, 6300, 85]);
  });

  it('--dynamic --opset --out, and an --img off the stride grid rounded up with upstream\'s warning', async () => {
    const out = join(tmp, 'custom name.onnx');
    const { stdout } = await cli('--weights', resolve(SHARED_DIR, 'reference/upstream_synth_e100_best.pt'), '--img', '250',
      '--dynamic', '--opset', '13', '--out', out);
    expect(stdout).toContain('WARNING ⚠️ --img-size 250 must be multiple of max stride 32, updating to 256');
    expect(stdout).toContain('output shape (1, 4032, 8)');
    const sum = readOnnxSummary(new Uint8Array(readFileSync(out)));
    expect(sum.opsets).toEqual([{ domain: '', version: 13 }]);
    expect(sum.inputs[0].dims).toEqual(['batch', 3, 'height', 'width']);
    expect(sum.outputs[0].dims).toEqual(['batch', 'anchors', 8]);
  });

  it('refuses other formats, missing weights and checkpoints with modules we cannot build, naming them', async () => {
    const tflite = await failing('--weights', 'x.pt', '--include', 'tflite');
    expect(tflite.code).toBe(2);
    expect(tflite.stderr).toContain('--include tflite is not supported: only --include onnx is (for tflite use upstream export.py)');
    expect((await failing('--include', 'onnx')).stderr).toContain('export needs --weights W.pt');
    const focusPt = join(tmp, 'focus.pt');
    writeFileSync(focusPt, focusCheckpointBytes());
    const bad = await failing('--weights', focusPt);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/focus\.pt: the model uses modules we do not support: models\.common\.Focus \[unsupported_module\]/);
    expect(existsSync(join(tmp, 'focus.onnx'))).toBe(false);
  });
});
