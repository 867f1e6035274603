// Reading a cluster run's files: upstream's own results.csv and checkpoints (a real stripped best.pt, a real
// train.py mid-run checkpoint), and the dropped files that cannot make a run.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REF_DIR, SHARED_DIR } from '../../../test/refs';
import { parseResultsCsv, resultsHeader, resultsRow } from '../train/results';
import { readExternalRun, type ExternalFile } from './externalRun';
import { readResultsCsv } from './resultsCsv';

const ref = (name: string): Uint8Array => new Uint8Array(readFileSync(resolve(REF_DIR, name)));
const CSV = readFileSync(resolve(REF_DIR, 'upstream_synth_results_e100.csv'), 'utf8');
const BEST = ref('upstream_synth_e100_best.pt');
const MIDRUN = ref('ckpt_trainpy_format.pt');
const file = (name: string, bytes: Uint8Array | string): ExternalFile => ({ name, bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes });

describe('results.csv from upstream', () => {
  it('reads all 100 epochs of upstream\'s padded file, the same numbers its writer prints back', () => {
    const rows = readResultsCsv(CSV);
    expect(rows).toHaveLength(100);
    expect(rows.map((r) => r.epoch)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(rows[0]).toEqual({
      epoch: 0, train: [0.10993, 0.024709, 0.038387], metrics: [0.0022304, 0.34712, 0.0021975, 0.00060144],
      val: [0.1003, 0.014379, 0.0375], lr: [0.0892, 0.0012, 0.0012],
    });
    expect(rows[95].metrics[3]).toBe(0.40234);
    expect(rows).toEqual(parseResultsCsv(CSV));
    expect([resultsHeader(), ...rows.map(resultsRow)].join('\n') + '\n').toBe(CSV);
  });

  it('columns by name in any order and padding, nan kept, a resumed run\'s repeated epochs replaced', () => {
    const [head, ...lines] = CSV.trim().split('\n');
    const cols = head.split(',');
    const order = cols.map((_, i) => i).reverse();
    const shuffle = (l: string) => order.map((i) => l.split(',')[i].trim()).join(',');
    // epochs 0-3, then 2 again (reversed columns: x/lr2 first, here nan): the rows from epoch 2 on are replaced
    const text = [shuffle(head), ...lines.slice(0, 4).map(shuffle), shuffle(lines[2]).replace(/^[^,]+/, 'nan')].join('\r\n');
    const rows = readResultsCsv(`\uFEFF${text}\r\n\r\n`);
    expect(rows.map((r) => r.epoch)).toEqual([0, 1, 2]);
    expect(rows[2].lr[2]).toBeNaN();
    expect(rows[1]).toEqual(readResultsCsv(CSV)[1]);
  });

  it('a file it cannot chart is refused with the line and column', () => {
    const v8 = '  epoch,  train/box_loss,  train/cls_loss,  train/dfl_loss\n 0, 1, 2, 3\n';
    expect(() => readResultsCsv(v8, 'r.csv')).toThrow(/r\.csv:1: no column 'train\/obj_loss', .*not a YOLOv5 \(v7\.0\) detection results\.csv/);
    const [head, l0, l1] = CSV.split('\n');
    expect(() => readResultsCsv(`${head}\n${l0}\n${l1.replace('0.10597', '0.1o597')}\n`)).toThrow(
      expect.objectContaining({ code: 'results_value', line: 3, message: expect.stringContaining("column 'train/box_loss' holds \"0.1o597\"") }),
    );
    expect(() => readResultsCsv(`${head}\n${l0},7\n`)).toThrow(expect.objectContaining({ code: 'results_columns', line: 2 }));
    expect(() => readResultsCsv(`${head}\n${l0.replace(/^\s*0,/, '1.5,')}\n`)).toThrow(expect.objectContaining({ code: 'results_value' }));
    expect(() => readResultsCsv(' \n\n')).toThrow(expect.objectContaining({ code: 'results_empty' }));
  });
});

describe('a cluster run from its dropped files', () => {
  it('a finished run: stripped best.pt (not resumable) with its opt, hyp and 100 epochs of metrics', () => {
    const run = readExternalRun([file('runs/train/exp/weights/best.pt', BEST), file('runs/train/exp/results.csv', CSV), file('exp/F1_curve.png', 'png')]);
    expect(run.checkpoints.map(({ bytes: _b, ...c }) => c)).toEqual([
      { kind: 'best', fileName: 'best.pt', epoch: -1, stripped: true, resumable: false, bestFitness: null, date: '2026-11-26T09:59:58.682119' },
    ]);
    expect(run.checkpoints[0].bytes).toBe(BEST);
    expect(run.names).toEqual(['rectangle', 'circle', 'triangle']);
    expect(run.rows).toHaveLength(100);
    expect(run.opt).toMatchObject({ epochs: 100, batch_size: 16, imgsz: 256, data: 'datasets/synth/synth.yaml', save_dir: 'runs/synth_e100' });
    expect(run.hyp).toMatchObject({ lr0: 0.01, cls: 0.5, obj: 1, mosaic: 1 });
    expect(run.model).toEqual({ yamlFile: 'yolov5n.yaml', depthMultiple: 0.33, widthMultiple: 0.25 });
    expect(run.ignored).toEqual(['exp/F1_curve.png']);
    expect(run.warnings).toEqual([]);
  });

  it('a stopped run: an unstripped last.pt is resumable; a renamed stripped file counts as best', () => {
    const run = readExternalRun([file('my-final.pt', BEST), file('last.pt', MIDRUN)]);
    expect(run.checkpoints.map((c) => [c.kind, c.fileName, c.epoch, c.stripped, c.resumable])).toEqual([
      ['last', 'last.pt', 0, false, true],
      ['best', 'my-final.pt', -1, true, false],
    ]);
    expect(run.opt?.epochs).toBe(10); // the last.pt's opt is the run's
    // this train.py checkpoint's opt.hyp also carries label_smoothing, which no hyp file has
    expect(run.warnings).toContain('last.pt: opt.hyp keys label_smoothing are not hyperparameters the studio knows; left out');
    expect(run.warnings).toContain('no results.csv: the run has no per-epoch metrics to chart');
    expect(readExternalRun([file('epoch0.pt', MIDRUN)]).checkpoints.map((c) => [c.kind, c.epoch, c.resumable])).toEqual([['epoch', 0, false]]);
    // a finished run's last.pt is stripped like its best.pt: nothing to resume from
    expect(readExternalRun([file('last.pt', BEST)]).checkpoints.map((c) => [c.kind, c.epoch, c.resumable])).toEqual([['last', -1, false]]);
  });

  it('files that do not make one run are refused, naming the file', () => {
    expect(() => readExternalRun([file('results.csv', CSV)])).toThrow(expect.objectContaining({ code: 'no_checkpoint' }));
    expect(() => readExternalRun([file('a/best.pt', BEST), file('b/best.pt', BEST)])).toThrow(
      expect.objectContaining({ code: 'duplicate_checkpoint', file: 'b/best.pt' }),
    );
    const yolov5n = new Uint8Array(readFileSync(resolve(SHARED_DIR, 'weights/yolov5n.pt')));
    expect(() => readExternalRun([file('best.pt', BEST), file('last.pt', yolov5n)])).toThrow(
      expect.objectContaining({ code: 'mismatched_checkpoints', file: 'last.pt' }),
    );
    expect(() => readExternalRun([file('best.pt', ref('yolov5n_nc3_seed0_state_dict.pt'))])).toThrow(
      expect.objectContaining({ code: 'not_a_run_checkpoint', file: 'best.pt' }),
    );
    expect(() => readExternalRun([file('best.pt', BEST.subarray(0, 1000))])).toThrow(expect.objectContaining({ code: 'truncated' }));
    expect(() => readExternalRun([file('best.pt', BEST), file('results.csv', 'epoch,x\n0,1\n')])).toThrow(
      expect.objectContaining({ code: 'results_header', file: 'results.csv' }),
    );
  });
});
