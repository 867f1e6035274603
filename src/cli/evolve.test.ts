// `yolo-studio train --evolve 3` on a 6 + 4 image slice of the synthetic set: three short generations, evolve.csv
// with 3 rows of results + hyperparameters inside the meta limits, hyp_evolve.yaml, no checkpoints (as upstream).
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tinyDataset } from '../../test/tinyDataset';
import { useBackend } from '../../test/backend';
import { EVOLVE_META } from '../core/config/evolveMeta';
import { hypPreset } from '../core/config/hyps';
import { parseHypYaml } from '../core/config/hypYaml';
import { EVOLVE_RESULT_KEYS, evolveHypKeys, parseEvolveCsv, prepareEvolveHyp } from '../core/train/evolve';
import { trainCommand } from './train';

const START = prepareEvolveHyp(hypPreset('scratch-low'), false);
const KEYS = evolveHypKeys(START);

describe('yolo-studio train --evolve', () => {
  it('runs 3 generations on a tiny dataset: evolve.csv with 3 rows of results + hyps inside the meta limits', async () => {
    await useBackend('wasm');
    const tmp = mkdtempSync(join(tmpdir(), 'ys-evolve-'));
    const data = tinyDataset(tmp);
    const project = join(tmp, 'runs');
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const before = tf.memory().numTensors;
    try {
      await trainCommand(['--evolve', '3', '--cfg', 'yolov5n.yaml', '--data', data, '--img', '64', '--batch-size', '2',
        '--epochs', '1', '--project', project, '--backend', 'wasm']);
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
    const dir = join(project, 'exp');
    const t = parseEvolveCsv(readFileSync(join(dir, 'evolve.csv'), 'utf8'));
    expect(t.keys).toEqual([...EVOLVE_RESULT_KEYS, ...KEYS]);
    expect(t.rows).toHaveLength(3);
    for (const r of t.rows) {
      r.slice(0, 4).forEach((m) => expect(m >= 0 && m <= 1).toBe(true));
      r.slice(4, 7).forEach((l) => expect(l > 0).toBe(true)); // val losses of the final epoch
      KEYS.forEach((k, i) => expect(r[7 + i] >= EVOLVE_META[k].lower && r[7 + i] <= EVOLVE_META[k].upper, k).toBe(true));
    }
    expect(t.rows[0].slice(7)).toEqual(KEYS.map((k) => START[k])); // generation 1 trains the start hyp
    expect(t.rows[1].slice(7)).not.toEqual(t.rows[0].slice(7)); // later ones are mutations
    expect(t.rows[2].slice(7)).not.toEqual(t.rows[1].slice(7));
    const yaml = readFileSync(join(dir, 'hyp_evolve.yaml'), 'utf8');
    expect(yaml).toMatch(/^# YOLOv5 Hyperparameter Evolution Results\n# Best generation: [0-2]\n# Last generation: 2\n/);
    expect(Object.keys(parseHypYaml(yaml, 'hyp_evolve.yaml'))).toHaveLength(29);
    expect(existsSync(join(dir, 'weights'))).toBe(false); // upstream saves no checkpoints while evolving
    expect(out.join('\n')).toMatch(/evolve: 3 generations finished, current result:/);
    expect(out.join('\n')).toMatch(/Hyperparameter evolution finished 3 generations\nResults saved to .*exp/);
  }, 600_000);
});
