// The bundle's README: how to unpack it beside a yolov5 checkout and the exact train.py commands for one GPU,
// several GPUs (DDP with SyncBatchNorm) and several machines, then how to bring the run back into the studio.
import { shellLine } from './upstreamOpt';

export interface ReadmeSpec {
  zipName: string;
  runDir: string;
  datasetDir: string;
  title: string;
  counts: { train: number; val: number; test: number };
  nc: number;
  weightsFile: string | null;
  cfgFile: string | null;
  /** train.py arguments of the single-GPU run. */
  single: string[];
  /** train.py arguments of the DDP run (devices 0..G-1, --sync-bn). */
  ddp: string[];
  gpus: number;
  nodes: number;
  batchSize: number;
  /** Why upstream refuses DDP with these options (--image-weights, --evolve), or null. */
  ddpBlocked: string | null;
  saveDir: string;
}

/** The `python -m torch.distributed.run` prefix for one node ($MASTER_ADDR left for the shell to expand). */
export function ddpLauncher(gpus: number, nodes: number, rank: number): string {
  const base = `python -m torch.distributed.run --nproc_per_node ${gpus}`;
  return nodes <= 1 ? base : `${base} --nnodes ${nodes} --node_rank ${rank} --master_addr $MASTER_ADDR --master_port 29500`;
}

const ddpLine = (s: ReadmeSpec, nodes: number, rank: number): string => `${ddpLauncher(s.gpus, nodes, rank)} ${shellLine(['train.py', ...s.ddp])}`;

const block = (lines: string[]): string[] => ['```bash', ...lines, '```'];

export function readmeText(s: ReadmeSpec): string {
  const single = ['python', 'train.py', ...s.single];
  const out: string[] = [
    `# Train "${s.title}" on upstream YOLOv5 (v7.0), on one GPU or a cluster`,
    '',
    'Written by yolo-studio from the dataset and settings you chose there. Everything train.py needs is in this zip:',
    '',
    `- \`datasets/${s.datasetDir}/\`: ${s.counts.train} train, ${s.counts.val} val, ${s.counts.test} test images with their YOLO labels`
      + ` (${s.nc} classes), only the files that passed the studio's verification, and \`data.yaml\``,
    `- \`${s.runDir}/hyp.yaml\`: the hyperparameters (upstream's key names)`,
    `- \`${s.runDir}/opt.yaml\`: every train.py option as train.py will save it in its run folder, for reference`,
    ...(s.weightsFile ? [`- \`${s.runDir}/${s.weightsFile}\`: the starting weights`] : []),
    ...(s.cfgFile ? [`- \`${s.runDir}/${s.cfgFile}\`: the model configuration`] : []),
    '',
    '## 1. Unpack beside the yolov5 folder',
    '',
    `Put \`${s.zipName}\` in the folder that holds your \`yolov5\` checkout (\`git clone -b v7.0 https://github.com/ultralytics/yolov5\`,`
      + ' then `pip install -r requirements.txt` in it), and from there:',
    '',
    ...block([`cd yolov5 && unzip -q ../${s.zipName} -d ..`]),
    '',
    `This creates \`datasets/${s.datasetDir}\` and \`${s.runDir}\` next to \`yolov5\`. \`data.yaml\` says`
      + ` \`path: ../datasets/${s.datasetDir}\`: upstream resolves a relative path against the yolov5 folder itself, so it finds`
      + ' the images from wherever you start train.py. (An absolute `path:` works too, if you prefer to unpack elsewhere.)',
    'Every command below runs inside `yolov5`.',
    '',
    '## 2. One GPU',
    '',
    ...block([shellLine(single)]),
    '',
    '## 3. Several GPUs on one machine (DDP)',
    '',
  ];
  if (s.ddpBlocked) {
    out.push(`Upstream refuses multi-GPU DDP training with ${s.ddpBlocked}; train on one GPU as above.`);
  } else {
    out.push(
      ...block([ddpLine(s, 1, 0)]),
      '',
      `\`--batch-size ${s.batchSize}\` is the total over all GPUs (each of the ${s.gpus} gets ${s.batchSize / s.gpus});`
        + ` it must be a multiple of the number of GPUs. For another GPU count G, set \`--nproc_per_node G\` and`
        + ' `--device 0,1,...,G-1` and keep the batch a multiple of G. `--sync-bn` synchronises BatchNorm statistics'
        + ' across GPUs (SyncBatchNorm).',
      '',
      '## 4. Several machines',
      '',
    );
    if (s.nodes > 1) {
      out.push(
        `Unpack the zip the same way on each of the ${s.nodes} machines, set MASTER_ADDR to the IP address of machine 0`
          + ' (reachable from the others on port 29500), and start on each machine its own line:',
        '',
        ...block([
          'export MASTER_ADDR=192.168.1.1  # the address of machine 0',
          ...Array.from({ length: s.nodes }, (_, r) => `${ddpLine(s, s.nodes, r)}  # machine ${r}`),
        ]),
        '',
        `The batch of ${s.batchSize} is spread over all ${s.gpus * s.nodes} GPUs of the ${s.nodes} machines.`,
      );
    } else {
      out.push(
        'Unpack the zip the same way on every machine, set MASTER_ADDR to the IP address of machine 0, and start on'
          + ' machine R of N (R = 0 .. N-1) the DDP command above with these launcher flags added:',
        '',
        ...block([
          'export MASTER_ADDR=192.168.1.1  # the address of machine 0',
          `${ddpLauncher(s.gpus, 1, 0)} --nnodes N --node_rank R --master_addr $MASTER_ADDR --master_port 29500 train.py ...`,
        ]),
        '',
        `The batch is then spread over all ${s.gpus} x N GPUs and must be a multiple of that number.`,
      );
    }
  }
  out.push(
    '',
    `## ${s.ddpBlocked ? 4 : 5}. Bring the run back into the studio`,
    '',
    `train.py writes the run to \`yolov5/${s.saveDir}\` (a number is appended when that folder exists). Drop`
      + ' `weights/best.pt`, `weights/last.pt` and `results.csv` from there into the studio: the run appears with its'
      + ' metrics charted and its checkpoints ready to validate, try, export or fine-tune. A run that stopped before its'
      + ' last epoch keeps an unstripped `last.pt` (with its optimizer state), and only that one can be resumed, as upstream.',
    '',
  );
  return out.join('\n');
}
