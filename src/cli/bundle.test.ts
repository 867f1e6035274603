// `yolo-studio bundle` end to end: a folder with a corrupt image and train's own flags become a zip on disk; a batch
// the GPUs cannot share fails before anything is written.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../../test/refs';
import { unpack } from '../core/bundle/testing';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'ys-bundle-'));
const cli = (...args: string[]) => run('node', ['bin/yolo-studio.js', 'bundle', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
const synth = resolve(SHARED_DIR, 'datasets/synth');
const WEIGHTS = resolve(SHARED_DIR, 'weights/yolov5n.pt');

function folderDataset(): string {
  const dir = join(tmp, 'shapes');
  for (const split of ['train', 'val']) {
    mkdirSync(join(dir, 'images', split), { recursive: true });
    mkdirSync(join(dir, 'labels', split), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const stem = `${split}_${String(i).padStart(4, '0')}`;
      copyFileSync(join(synth, `images/${split}/${stem}.jpg`), join(dir, `images/${split}/${stem}.jpg`));
      copyFileSync(join(synth, `labels/${split}/${stem}.txt`), join(dir, `labels/${split}/${stem}.txt`));
    }
  }
  writeFileSync(join(dir, 'images/train/corrupt.jpg'), 'not a jpeg');
  writeFileSync(join(dir, 'data.yaml'), 'path: .\ntrain: images/train\nval: images/val\nnames: [rectangle, circle, triangle]\n');
  return join(dir, 'data.yaml');
}

describe('yolo-studio bundle', () => {
  it('writes the zip: verified images only, train\'s flags in opt.yaml, the weights shipped', async () => {
    const out = join(tmp, 'cluster.zip');
    const { stdout, stderr } = await cli('--data', folderDataset(), '--weights', WEIGHTS, '--img', '256', '--batch-size', '8',
      '--epochs', '30', '--cos-lr', '--freeze', '10', '--name', 'shapes', '--gpus', '4', '--out', out);
    expect(stderr).toContain('1 file(s) failed verification and are left out');
    expect(stdout).toContain(`${out}: 8 images of 'shapes' (3 classes), hyp.yaml, opt.yaml, yolov5n.pt, README.md`);
    expect(stdout).toContain('cd yolov5 && unzip -q ../cluster.zip -d ..');
    expect(readdirSync(tmp).filter((f) => f.startsWith('cluster.zip'))).toEqual(['cluster.zip']);
    const files = await unpack(new Uint8Array(readFileSync(out)));
    expect([...files.keys()].filter((p) => p.includes('/images/')).length).toBe(8);
    expect([...files.keys()].some((p) => p.includes('corrupt'))).toBe(false);
    expect(Buffer.from(readFileSync(WEIGHTS)).equals(files.get('cluster/yolov5n.pt')!)).toBe(true);
    const opt = parse(new TextDecoder().decode(files.get('cluster/opt.yaml')));
    expect(opt).toMatchObject({
      weights: '../cluster/yolov5n.pt', data: '../datasets/shapes/data.yaml', epochs: 30, batch_size: 8, imgsz: 256, cos_lr: true,
      freeze: [10], name: 'shapes', hyp: { lr0: 0.01, mosaic: 1 },
    });
    const readme = new TextDecoder().decode(files.get('cluster/README.md'));
    expect(readme).toContain('python train.py --data ../datasets/shapes/data.yaml --hyp ../cluster/hyp.yaml --weights ../cluster/yolov5n.pt '
      + '--img 256 --batch-size 8 --epochs 30 --name shapes --cos-lr --freeze 10\n');
    expect(readme).toContain('--device 0,1,2,3 --sync-bn');
  });

  it('a batch the GPUs cannot share: exit 1 naming it, no file left behind', async () => {
    const out = join(tmp, 'bad.zip');
    const err = await cli('--data', folderDataset(), '--cfg', 'yolov5n', '--batch-size', '6', '--gpus', '4', '--out', out)
      .then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stderr).toContain('batch size 6 must be a multiple of the 4 GPUs (1 machine(s) x 4): upstream splits the total batch evenly over them [batch_not_divisible]');
    expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
  });
});
