// The cluster bundle read back as upstream would: a verified dataset with corrupt and bad files, every setting away
// from its default, unpacked, its yaml files parsed, its README commands parsed as argparse does and their files
// looked up in the zip.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { hypPreset, type Hyp } from '../config/hyps';
import { validateTrainOptions } from '../config/trainOptions';
import { prepareDataset } from '../data/formats/prepare';
import { memorySource } from '../data/formats/source';
import { filesOf, nodeVerify, synthJpeg } from '../data/formats/testing';
import { parseLabels } from '../data/labels';
import { normalizePath } from '../data/paths';
import { planBundle, writeBundle, type BundleInput } from './writer';
import { collect, fromYolov5, parseTrainArgs, readmeCommands, shellWords, unpack } from './testing';

/** upstream v7.0 parse_opt defaults (ROOT-relative ones as the relative path), then main()'s save_dir. */
const UPSTREAM_DEFAULTS: Record<string, unknown> = {
  weights: 'yolov5s.pt', cfg: '', data: 'data/coco128.yaml', hyp: 'data/hyps/hyp.scratch-low.yaml', epochs: 100, batch_size: 16,
  imgsz: 640, rect: false, resume: false, nosave: false, noval: false, noautoanchor: false, noplots: false, evolve: null,
  bucket: '', cache: null, image_weights: false, device: '', multi_scale: false, single_cls: false, optimizer: 'SGD',
  sync_bn: false, workers: 8, project: 'runs/train', name: 'exp', exist_ok: false, quad: false, cos_lr: false,
  label_smoothing: 0.0, patience: 100, freeze: [0], save_period: -1, seed: 0, local_rank: -1, entity: null,
  upload_dataset: false, bbox_interval: -1, artifact_alias: 'latest',
};
const INTS = new Set(['epochs', 'batch_size', 'imgsz', 'patience', 'save_period', 'seed', 'evolve', 'workers']);

/** vars(opt) after argparse and main() for a train.py command line, hyp loaded from hyp.yaml. */
function optOf(args: string[], hypYaml: unknown): Record<string, unknown> {
  const opt: Record<string, unknown> = { ...UPSTREAM_DEFAULTS };
  for (const [k, v] of Object.entries(parseTrainArgs(args))) {
    if (!(k in opt)) throw new Error(`train.py has no option ${k}`);
    opt[k] = Array.isArray(v) ? v.map(Number) : v === true ? true : INTS.has(k) ? Number(v) : k === 'label_smoothing' ? Number(v) : v;
  }
  return { ...opt, hyp: hypYaml, save_dir: `${opt.project}/${opt.name}` };
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

/** A dataset of real synth JPEGs with what verification drops (a fake image, a 6-column label) or fixes. Verified
 * once for all tests. */
let prepared: ReturnType<typeof prepareTestDataset> | undefined;
const testDataset = () => (prepared ??= prepareTestDataset());

async function prepareTestDataset() {
  const spec: Record<string, string | Uint8Array> = {
    'shapes/data.yaml': 'path: .\ntrain: images/train\nval: images/val\ntest: images/test\nnames: [rectangle, "circle: round", triangle]\n',
  };
  for (let k = 0; k < 6; k++) {
    spec[`shapes/images/train/im${k}.jpg`] = synthJpeg(k);
    if (k !== 3) spec[`shapes/labels/train/im${k}.txt`] = `${k % 3} 0.5 0.5 0.2 0.25\n1 0.1 0.2 0.05 0.0625\n`;
  }
  spec['shapes/labels/train/im4.txt'] = '2 0.3 0.3 0.1 0.1\n2 0.3 0.3 0.1 0.1\n0 0.123456789 0.7 0.3333333 0.01\n'; // duplicate row: fixed
  spec['shapes/images/train/sub/im1.jpg'] = synthJpeg(6); // same stem as im1 in the same split
  spec['shapes/labels/train/sub/im1.txt'] = '1 0.6 0.6 0.2 0.2\n';
  spec['shapes/images/train/broken.jpg'] = enc('not an image at all'); // corrupt: dropped
  spec['shapes/labels/train/broken.txt'] = '0 0.5 0.5 0.1 0.1\n';
  spec['shapes/images/train/badlabel.jpg'] = synthJpeg(7); // 6 columns: dropped
  spec['shapes/labels/train/badlabel.txt'] = '0 0.5 0.5 0.1 0.1 0.5\n';
  for (let k = 0; k < 3; k++) {
    spec[`shapes/images/val/v${k}.jpg`] = synthJpeg(10 + k);
    spec[`shapes/labels/val/v${k}.txt`] = `${k} 0.4 0.4 0.3 0.3\n`;
  }
  spec['shapes/images/test/t0.jpg'] = synthJpeg(20);
  spec['shapes/labels/test/t0.txt'] = '0 0.5 0.5 0.5 0.5\n';
  const source = await memorySource(filesOf(spec));
  const ds = await prepareDataset(source, { ...nodeVerify });
  return { ds, source };
}

const HYP: Hyp = { ...hypPreset('scratch-high'), lr0: 0.02, anchors: 3, fl_gamma: 1.5 };
const OPTIONS = validateTrainOptions({
  data: 'x', weights: 'start.pt', epochs: 37, batch_size: 12, imgsz: 320, rect: true, noautoanchor: true, cache: 'ram',
  multi_scale: true, optimizer: 'AdamW', cos_lr: true, label_smoothing: 0.05, patience: 20, freeze: [0, 1, 2],
  save_period: 5, seed: 7, name: 'studio run',
}).options;
const WEIGHTS = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 255);

async function build(over: Partial<BundleInput> = {}) {
  const { ds, source } = await testDataset();
  const split = (s: 'train' | 'val' | 'test') =>
    (ds.splits[s] ?? []).map((im) => ({ path: im.path, labels: im.labels, bytes: () => source.bytes(im.path) }));
  const input: BundleInput = {
    dataset: { name: ds.name, names: ds.names, splits: { train: split('train'), val: split('val'), test: split('test') } },
    hyp: HYP, options: OPTIONS, weights: { fileName: 'start.pt', bytes: WEIGHTS }, gpus: 3, zipName: 'run.zip',
    mtime: new Date(Date.UTC(2024, 4, 6, 7, 8, 10)), ...over,
  };
  const zip = await collect(writeBundle(input));
  return { ds, source, input, zip, files: await unpack(zip), plan: planBundle(input) };
}

describe('cluster bundle', () => {
  it('holds the verified dataset byte for byte, nothing that was dropped, in upstream layout', async () => {
    const { ds, source, files } = await build();
    expect(ds.report.problems.filter((p) => p.action === 'dropped').map((p) => p.image ?? p.file).sort()).toEqual([
      '/shapes/images/train/badlabel.jpg', '/shapes/images/train/broken.jpg',
    ]);
    const root = 'datasets/shapes';
    const images = [...files.keys()].filter((p) => p.startsWith(`${root}/images/`)).sort();
    expect(images).toEqual([
      `${root}/images/test/t0.jpg`,
      ...['im0', 'im1', 'im1_2', 'im2', 'im3', 'im4', 'im5'].map((s) => `${root}/images/train/${s}.jpg`),
      ...['v0', 'v1', 'v2'].map((s) => `${root}/images/val/${s}.jpg`),
    ]);
    // every kept image: same bytes, and its label file (upstream's img2label) reads back to the same float32 rows
    const byName: Record<string, string> = { 'train/im1_2.jpg': '/shapes/images/train/sub/im1.jpg' };
    for (const path of images) {
      const rel = path.slice(`${root}/images/`.length);
      const orig = byName[rel] ?? `/shapes/images/${rel}`;
      const split = rel.split('/')[0] as 'train' | 'val' | 'test';
      const img = ds.splits[split]!.find((im) => im.path === orig)!;
      expect(Buffer.from(await source.bytes(orig)).equals(files.get(path)!), path).toBe(true);
      const label = files.get(path.replace('/images/', '/labels/').replace(/\.jpg$/, '.txt'));
      expect(label, `${path} label`).toBeDefined();
      const rows = parseLabels(dec(label), path).rows;
      expect(Buffer.from(rows.buffer).equals(Buffer.from(img.labels.buffer, img.labels.byteOffset, img.labels.byteLength)), path).toBe(true);
    }
    expect(dec(files.get(`${root}/labels/train/im3.txt`))).toBe(''); // a background: no rows
    // duplicates removed and rows sorted as np.unique leaves them; the shortest digits that keep each float32
    expect(dec(files.get(`${root}/labels/train/im4.txt`))).toBe('0 0.12345679 0.7 0.3333333 0.01\n2 0.3 0.3 0.1 0.1\n');
    expect([...files.keys()].some((p) => /broken|badlabel/.test(p))).toBe(false);
  });

  it('data.yaml resolves as upstream check_dataset does; hyp.yaml and opt.yaml hold every setting by upstream name', async () => {
    const { files, plan } = await build();
    const data = parse(dec(files.get('datasets/shapes/data.yaml')));
    expect(data).toEqual({
      path: '../datasets/shapes', train: 'images/train', val: 'images/val', test: 'images/test', nc: 3,
      names: { 0: 'rectangle', 1: 'circle: round', 2: 'triangle' },
    });
    // ROOT / path with ROOT = the yolov5 folder: the dataset folder beside it, as unpacked
    const dsRoot = fromYolov5(data.path);
    expect(dsRoot).toBe('datasets/shapes');
    for (const s of ['train', 'val', 'test']) {
      expect([...files.keys()].some((p) => p.startsWith(`${normalizePath(`${dsRoot}/${data[s]}`)}/`)), s).toBe(true);
    }

    const hyp = parse(dec(files.get('run/hyp.yaml')));
    expect(hyp).toEqual({ ...HYP });
    expect(Object.keys(hyp)).toEqual(Object.keys(HYP).sort((a, b) => keyOrder(a) - keyOrder(b)));
    expect(dec(files.get('run/hyp.yaml'))).toContain('warmup_epochs: 3.0\n'); // floats as PyYAML writes them

    const opt = parse(dec(files.get('run/opt.yaml')));
    expect(opt).toEqual({
      ...UPSTREAM_DEFAULTS, weights: '../run/start.pt', cfg: '', data: '../datasets/shapes/data.yaml', hyp: { ...HYP }, epochs: 37,
      batch_size: 12, imgsz: 320, rect: true, noautoanchor: true, cache: 'ram', multi_scale: true, optimizer: 'AdamW', cos_lr: true,
      label_smoothing: 0.05, patience: 20, freeze: [0, 1, 2], save_period: 5, seed: 7, name: 'studio run', save_dir: 'runs/train/studio run',
    });
    expect(Object.keys(opt)).toEqual([...Object.keys(UPSTREAM_DEFAULTS), 'save_dir']);
    // the one-GPU command line, parsed as argparse does, gives exactly this opt.yaml
    expect(optOf(plan.single, hyp)).toEqual(opt);
  });

  it('README commands: unpack beside yolov5, then files that exist in the zip; DDP on 3 GPUs with SyncBatchNorm', async () => {
    const { files, plan } = await build();
    const readme = dec(files.get('run/README.md'));
    const cmds = readmeCommands(readme);
    expect(cmds[0]).toBe('cd yolov5 && unzip -q ../run.zip -d ..');
    const trainCmds = cmds.filter((c) => c.includes('train.py') && !c.endsWith('...'));
    expect(trainCmds).toHaveLength(2);
    for (const cmd of trainCmds) {
      const words = shellWords(cmd);
      const args = parseTrainArgs(words.slice(words.indexOf('train.py') + 1));
      for (const k of ['data', 'hyp', 'weights'] as const) expect(files.has(fromYolov5(args[k] as string)), `${k} ${args[k]}`).toBe(true);
      expect(args).toMatchObject({ imgsz: '320', batch_size: '12', epochs: '37' });
    }
    const ddp = shellWords(trainCmds[1]);
    expect(ddp.slice(0, 6)).toEqual(['python', '-m', 'torch.distributed.run', '--nproc_per_node', '3', 'train.py']);
    expect(parseTrainArgs(ddp.slice(6))).toMatchObject({ device: '0,1,2', sync_bn: true });
    expect(optOf(ddp.slice(6), {})).toMatchObject({ device: '0,1,2', sync_bn: true });
    expect(plan.ddp).toEqual(ddp.slice(6));
    expect(readme).toContain('--nnodes N --node_rank R --master_addr $MASTER_ADDR --master_port 29500');
    expect(readme).toContain('`--batch-size 12` is the total over all GPUs (each of the 3 gets 4)');
  });

  it('several machines: one exact line per machine; from scratch: a built-in --cfg and --weights \'\'', async () => {
    const opts = validateTrainOptions({ data: 'x', weights: '', cfg: 'yolov5n', batch_size: 16 }).options;
    const { files } = await build({ options: opts, weights: undefined, gpus: 4, nodes: 2 });
    const cmds = readmeCommands(dec(files.get('run/README.md'))).filter((c) => c.includes('--nnodes'));
    expect(cmds).toHaveLength(2);
    cmds.forEach((c, r) => {
      const w = shellWords(c);
      expect(w.slice(0, 14)).toEqual(['python', '-m', 'torch.distributed.run', '--nproc_per_node', '4', '--nnodes', '2', '--node_rank', String(r),
        '--master_addr', '$MASTER_ADDR', '--master_port', '29500', 'train.py']);
      expect(parseTrainArgs(w.slice(14))).toMatchObject({ weights: '', cfg: 'models/yolov5n.yaml', device: '0,1,2,3', sync_bn: true });
    });
    expect(parse(dec(files.get('run/opt.yaml')))).toMatchObject({ weights: '', cfg: 'models/yolov5n.yaml' });
    expect([...files.keys()].filter((p) => p.startsWith('run/')).sort()).toEqual(['run/README.md', 'run/hyp.yaml', 'run/opt.yaml']);
  });

  it('the starting weights and a custom model yaml are shipped byte for byte', async () => {
    const { files } = await build({ cfgFile: { fileName: '/home/me/my model.yaml', text: 'nc: 3\n' } });
    expect(files.get('run/start.pt')).toEqual(WEIGHTS);
    expect(dec(files.get('run/my_model.yaml'))).toBe('nc: 3\n');
    expect(parse(dec(files.get('run/opt.yaml'))).cfg).toBe('../run/my_model.yaml');
    for (const cmd of readmeCommands(dec(files.get('run/README.md'))).filter((c) => c.includes('train.py --'))) {
      const words = shellWords(cmd);
      const args = parseTrainArgs(words.slice(words.indexOf('train.py') + 1));
      expect(files.has(fromYolov5(args.cfg as string)), cmd).toBe(true);
    }
  });

  it('options upstream refuses under DDP: the README says so instead of a multi-GPU command', async () => {
    const { files } = await build({ options: { ...OPTIONS, image_weights: true } });
    const readme = dec(files.get('run/README.md'));
    expect(readme).toContain('Upstream refuses multi-GPU DDP training with --image-weights; train on one GPU as above.');
    expect(readme).not.toContain('torch.distributed.run');
    expect(readme).toContain('## 4. Bring the run back into the studio');
    expect(readmeCommands(readme).find((c) => c.startsWith('python train.py'))).toContain('--image-weights');
  });

  it('bad settings fail before anything is written, naming the setting', async () => {
    const { input } = await build();
    const bad = (over: Partial<BundleInput>) => () => planBundle({ ...input, ...over });
    expect(bad({ gpus: 5 })).toThrow(/batch size 12 must be a multiple of the 5 GPUs/);
    expect(bad({ gpus: 2, nodes: 4 })).toThrow(expect.objectContaining({ code: 'batch_not_divisible' }));
    expect(bad({ gpus: 0 })).toThrow(expect.objectContaining({ code: 'bad_gpus' }));
    expect(bad({ weights: undefined })).toThrow(expect.objectContaining({ code: 'weights_missing' }));
    expect(bad({ weights: undefined, options: { ...input.options, weights: '' } })).toThrow(expect.objectContaining({ code: 'no_model' }));
    expect(bad({ options: { ...input.options, cfg: 'mine.yaml' } })).toThrow(expect.objectContaining({ code: 'cfg_unknown' }));
    const noVal = { ...input.dataset, splits: { ...input.dataset.splits, val: [] } };
    expect(bad({ dataset: noVal })).toThrow(expect.objectContaining({ code: 'empty_split' }));
    const img = input.dataset.splits.train[0];
    const unreadable = { ...input.dataset, splits: { ...input.dataset.splits, train: [{ ...img, bytes: () => Promise.reject(new Error('gone')) }] } };
    await expect(collect(writeBundle({ ...input, dataset: unreadable }))).rejects.toMatchObject({ code: 'image_unreadable', file: img.path });
  });

  it('the same input gives the same archive', async () => {
    const a = await build();
    const b = await build();
    expect(Buffer.from(a.zip).equals(Buffer.from(b.zip))).toBe(true);
  });
});

const HYP_ORDER = Object.keys(hypPreset('scratch-low'));
function keyOrder(k: string): number {
  return k === 'anchors' ? HYP_ORDER.indexOf('anchor_t') + 0.5 : HYP_ORDER.indexOf(k);
}
