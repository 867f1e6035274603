// `yolo-studio bundle`: the cluster bundle from the command line. The dataset is read and verified as `check` does
// (only the files that pass go in), the options are train's own flags, and the zip streams to disk one image at a
// time, into a temporary file renamed into place when complete.
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { basename } from 'node:path';
import { writeBundle, planBundle, type BundleImage, type BundleInput } from '../core/bundle/writer';
import { resolveHyp } from '../core/config/hypYaml';
import { validateTrainOptions } from '../core/config/trainOptions';
import type { DatasetImage } from '../core/data/verify';
import { assertTrainable } from '../core/data/verify';
import { YoloError } from '../core/errors';
import { assertSupportedModel, readCheckpoint } from '../core/io';
import { helpText, parseFlags, UsageError, type FlagSpec } from './args';
import { loadDataset } from './check';
import { loadModelConfig } from './loadConfig';
import { FLAGS as TRAIN_FLAGS, optionsFromFlags } from './train';

// train's flags, less those that do not describe a fresh run (--resume, --evolve) or this machine (--backend)
const { resume: _resume, evolve: _evolve, backend: _backend, help: _help, ...trainFlags } = TRAIN_FLAGS;

const FLAGS: FlagSpec = {
  ...trainFlags,
  out: { type: 'string', help: 'the zip to write (e.g. run.zip)' },
  gpus: { type: 'int', default: 2, help: 'GPUs per machine in the README\'s multi-GPU commands (the batch must divide evenly)' },
  nodes: { type: 'int', default: 1, help: 'machines in the README\'s multi-node commands (1: the README explains N)' },
  'val-fraction': { type: 'number', default: 0.1, help: 'share of images split off as val when the dataset has no val split (seeded by --seed)' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function bundleCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, FLAGS);
  if (f.help) {
    console.log(helpText('bundle', 'Write a zip that upstream YOLOv5 v7.0 trains from on one GPU or many (dataset, data.yaml, hyp.yaml, opt.yaml, weights, README).', FLAGS));
    return;
  }
  if (!f.data) throw new UsageError('bundle needs --data D/data.yaml, D.zip or a folder');
  if (!f.out) throw new UsageError('bundle needs --out run.zip');
  const out = f.out as string;
  const { options } = validateTrainOptions(optionsFromFlags(f));
  const hyp = resolveHyp(options.hyp, (p) => readFileSync(p, 'utf8'));

  let cfgFile: BundleInput['cfgFile'];
  if (options.cfg && existsSync(options.cfg)) {
    loadModelConfig(options.cfg); // a yaml we cannot read is refused here, not on the cluster
    cfgFile = { fileName: basename(options.cfg), text: readFileSync(options.cfg, 'utf8') };
  } else if (options.cfg) loadModelConfig(options.cfg); // throws cfg_not_found unless built in
  let weights: BundleInput['weights'];
  if (options.weights) {
    if (!existsSync(options.weights)) throw new YoloError('weights_not_found', 'no such file', { file: options.weights });
    const bytes = new Uint8Array(readFileSync(options.weights));
    assertSupportedModel(readCheckpoint(bytes, options.weights));
    weights = { fileName: basename(options.weights), bytes };
  }

  const { ds, source } = await loadDataset(f.data as string, { valFraction: f.valFraction as number, seed: options.seed });
  assertTrainable(ds);
  const dropped = ds.report.problems.filter((p) => p.action === 'dropped').length;
  if (dropped) console.warn(`WARNING ⚠️ ${dropped} file(s) failed verification and are left out (yolo-studio check --data ${f.data} lists them)`);
  const image = (im: DatasetImage): BundleImage => ({ path: im.path, labels: im.labels, bytes: () => source.bytes(im.path) });
  const input: BundleInput = {
    dataset: { name: ds.name, names: ds.names, splits: { train: ds.splits.train.map(image), val: (ds.splits.val ?? []).map(image), test: ds.splits.test?.map(image) } },
    hyp, options, weights, cfgFile, gpus: f.gpus as number, nodes: f.nodes as number, zipName: basename(out),
    onProgress: (done, total) => {
      if (process.stdout.isTTY) process.stdout.write(`\rbundle: ${done}/${total} images${done === total ? '\n' : ''}`);
    },
  };
  const plan = planBundle(input); // settings checked before anything is written
  await writeFileStreaming(out, writeBundle(input));
  console.log(`${out}: ${plan.images} images of '${ds.name}' (${ds.names.length} classes), hyp.yaml, opt.yaml${weights ? `, ${weights.fileName}` : ''}, README.md`);
  console.log(`Unpack beside the yolov5 folder: cd yolov5 && unzip -q ../${plan.zipName} -d ..   (commands in ${plan.runDir}/README.md)`);
}

/** Writes the chunks to `<out>.partial`, waiting whenever the disk falls behind, then renames it to `out`. */
async function writeFileStreaming(out: string, chunks: AsyncGenerator<Uint8Array>): Promise<void> {
  const tmp = `${out}.partial`;
  const ws = createWriteStream(tmp);
  try {
    for await (const chunk of chunks) {
      if (!ws.write(chunk)) await once(ws, 'drain');
    }
    ws.end();
    await finished(ws);
    renameSync(tmp, out);
  } catch (err) {
    ws.destroy();
    rmSync(tmp, { force: true });
    throw err;
  }
}
