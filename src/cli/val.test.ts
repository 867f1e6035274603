// `yolo-studio val` end to end on the shared datasets, against upstream val.py's numbers.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readRefJson, SHARED_DIR } from '../../test/refs';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'ys-val-'));
const cli = (...args: string[]) => run('node', ['bin/yolo-studio.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });

interface ValJson { P: number; R: number; mAP50: number; mAP50_95: number; per_class: { name: string; instances: number }[]; speed_ms: Record<string, number> }
interface RefAll { P: number; R: number; mAP50: number; 'mAP50-95': number }

async function val(weights: string, data: string, img: number): Promise<{ j: ValJson; stdout: string }> {
  const out = join(tmp, `val_${img}_${Math.random().toString(36).slice(2)}.json`);
  const { stdout } = await cli('val', '--weights', weights, '--data', data, '--img', String(img), '--json', out);
  return { j: JSON.parse(readFileSync(out, 'utf8')) as ValJson, stdout };
}

function expectClose(j: ValJson, ref: RefAll, tol: number) {
  expect(Math.abs(j.P - ref.P), 'P').toBeLessThanOrEqual(tol);
  expect(Math.abs(j.R - ref.R), 'R').toBeLessThanOrEqual(tol);
  expect(Math.abs(j.mAP50 - ref.mAP50), 'mAP50').toBeLessThanOrEqual(tol);
  expect(Math.abs(j.mAP50_95 - ref['mAP50-95']), 'mAP50-95').toBeLessThanOrEqual(tol);
}

describe('yolo-studio val vs upstream val.py', () => {
  const ref = readRefJson<Record<'A_640' | 'A_320', { all: RefAll; printed_table: string[] }>>('pretrained_val.json');
  const coco = resolve(SHARED_DIR, 'datasets/coco128/data.yaml');
  const yolov5n = resolve(SHARED_DIR, 'weights/yolov5n.pt');

  it('yolov5n.pt on coco128 at 640 is within 0.003 of A_640 and prints the same all row', async () => {
    const { j, stdout } = await val(yolov5n, coco, 640);
    expectClose(j, ref.A_640.all, 0.003);
    expect(stdout).toContain(ref.A_640.printed_table[0]);
    expect(j.per_class).toHaveLength(71);
    expect(j.speed_ms.inference).toBeGreaterThan(0);
  });

  it('yolov5n.pt on coco128 at 320 is within 0.003 of A_320', async () => {
    const { j } = await val(yolov5n, coco, 320);
    expectClose(j, ref.A_320.all, 0.003);
  });

  it('the synth best.pt (fp16) is within 0.01 of its training run\'s best epoch', async () => {
    const { j, stdout } = await val(resolve(SHARED_DIR, 'reference/upstream_synth_e100_best.pt'), resolve(SHARED_DIR, 'datasets/synth/data.yaml'), 256);
    // upstream_synth_results_e100.csv, epoch 95 (best fitness): P, R, mAP50, mAP50-95 of the fp32 EMA.
    expectClose(j, { P: 0.51659, R: 0.67231, mAP50: 0.59794, 'mAP50-95': 0.40234 }, 0.01);
    expect(stdout).toMatch(/^\s+triangle\s+50\s+38\s/m); // fewer than 50 classes: per-class rows
  });

  it('a data.yaml whose val path does not exist is a clear error', async () => {
    const dir = join(tmp, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'data.yaml'), 'path: .\ntrain: images/train\nval: images/nowhere\nnames: [a, b]\n');
    await expect(cli('val', '--weights', yolov5n, '--data', join(dir, 'data.yaml'))).rejects.toThrow(/images\/nowhere/);
  });
});

describe('yolo-studio detect', () => {
  it('reports a corrupt image and goes on with the rest', async () => {
    const dir = join(tmp, 'src');
    mkdirSync(dir, { recursive: true });
    copyFileSync(resolve(SHARED_DIR, 'datasets/coco128/images/train2017/000000000009.jpg'), join(dir, 'a.jpg'));
    writeFileSync(join(dir, 'b.jpg'), 'not a jpeg at all');
    const out = join(tmp, 'det.json');
    const { stdout, stderr } = await cli('detect', '--weights', resolve(SHARED_DIR, 'weights/yolov5n.pt'), '--source', dir, '--json', out);
    expect(stderr).toMatch(/b\.jpg: skipped: .*b\.jpg/);
    expect(stdout).toMatch(/image 1\/2 .*a\.jpg: 480x640 1 bowl, 1 broccoli, 1 donut, /);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(j)).toEqual(['a.jpg']);
    expect(j['a.jpg'][0].slice(0, 2).map((v: number) => Number(v.toFixed(3)))).toEqual([54, 0.606]);
  });
});
