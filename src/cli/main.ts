// `npx yolo-studio <command>`: the Node entry over the same core the browser worker runs.
import * as tf from '@tensorflow/tfjs';
import { YoloError } from '../core/errors';
import { infoCommand } from './info';
import { valCommand } from './val';
import { detectCommand } from './detect';
import { trainCommand } from './train';
import { checkCommand } from './check';

// PROD silences tfjs's "install tfjs-node" banner, which cannot apply here (tfjs-node cannot be installed).
tf.env().set('PROD', true);

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; help: string }> = {
  info: { run: infoCommand, help: 'model summary: layers, parameters, GFLOPs (upstream table)' },
  train: { run: trainCommand, help: 'train a model on a data.yaml (upstream train.py)' },
  detect: { run: detectCommand, help: 'detect objects in images with a .pt (upstream detect.py)' },
  val: { run: valCommand, help: 'validate a .pt on a data.yaml split: P, R, mAP50, mAP50-95 (upstream val.py)' },
  check: { run: checkCommand, help: 'verify a dataset (data.yaml, folder or zip): problems per file, label statistics' },
  bundle: { run: async (argv) => (await import('./bundle')).bundleCommand(argv), help: 'zip a dataset + settings for upstream YOLOv5 multi-GPU / cluster training' },
  export: { run: async (argv) => (await import('./export')).exportCommand(argv), help: 'export a .pt to ONNX (upstream export.py --include onnx)' },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    console.log(['usage: yolo-studio <command> [options]', '', 'commands:',
      ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(8)} ${c.help}`),
      '', 'Run `yolo-studio <command> --help` for its options.'].join('\n'));
    return command ? 0 : 2;
  }
  const cmd = COMMANDS[command];
  if (!cmd) {
    console.error(`yolo-studio: unknown command '${command}' (available: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  try {
    await cmd.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof YoloError) {
      console.error(`yolo-studio ${command}: ${e.message} [${e.code}]`);
      return e.code === 'usage' ? 2 : 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
