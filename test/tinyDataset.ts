// A 6 + 4 image copy of the synthetic set with labels and a data.yaml, for training tests (tests write only to temp).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SHARED_DIR } from './refs';

/** Builds the dataset under `dir` and returns its data.yaml path. */
export function tinyDataset(dir: string): string {
  const root = join(dir, 'tiny');
  for (const [split, n] of [['train', 6], ['val', 4]] as const) {
    mkdirSync(join(root, 'images', split), { recursive: true });
    mkdirSync(join(root, 'labels', split), { recursive: true });
    for (let i = 0; i < n; i++) {
      const stem = `${split}_${String(i).padStart(4, '0')}`;
      copyFileSync(resolve(SHARED_DIR, `datasets/synth/images/${split}/${stem}.jpg`), join(root, 'images', split, `${stem}.jpg`));
      copyFileSync(resolve(SHARED_DIR, `datasets/synth/labels/${split}/${stem}.txt`), join(root, 'labels', split, `${stem}.txt`));
    }
  }
  writeFileSync(join(root, 'data.yaml'), 'path: .\ntrain: images/train\nval: images/val\nnames: [rectangle, circle, triangle]\n');
  return join(root, 'data.yaml');
}
