// `yolo-studio info`: upstream's model summary table and line, optionally as JSON.
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { buildModel, resolveModel } from '../core/model';
import { formatSummary, summarize, summaryName } from '../core/model/summary';
import { helpText, parseFlags, type FlagSpec } from './args';
import { loadModelConfig } from './loadConfig';

const FLAGS: FlagSpec = {
  cfg: { type: 'string', default: 'yolov5s.yaml', help: 'model yaml: a built-in name (yolov5n|s|m|l|x[.yaml]) or a path' },
  nc: { type: 'int', help: 'number of classes (overrides the yaml)' },
  img: { type: 'int', default: 640, help: 'image size for the GFLOPs figure' },
  json: { type: 'string', help: 'also write {layers, parameters, gflops, state_dict_keys} to this file' },
  help: { type: 'boolean', help: 'show this help' },
};

export async function infoCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, FLAGS);
  if (f.help) {
    console.log(helpText('info', 'Print the per-layer table and summary of a YOLOv5 model.', FLAGS));
    return;
  }
  const cfg = loadModelConfig(f.cfg as string);
  const nc = f.nc as number | undefined;
  if (nc !== undefined && nc !== cfg.nc) console.log(`Overriding model.yaml nc=${cfg.nc} with nc=${nc}`);
  const resolved = resolveModel(cfg, nc, f.cfg as string);
  // Building the model proves the config runs and gives the exact state_dict keys; cpu is enough (no compute).
  await tf.setBackend('cpu');
  const model = buildModel(cfg, { nc });
  const sum = summarize(resolved, summaryName(cfg.name), f.img as number, model.maxStride);
  console.log(`\n${formatSummary(sum)}`);
  if (f.json) {
    const out = { layers: sum.layers, parameters: sum.parameters, gflops: Number(sum.gflops.toFixed(1)),
      state_dict_keys: model.entries.map((e) => e.name) };
    writeFileSync(f.json as string, `${JSON.stringify(out, null, 2)}\n`);
  }
  model.dispose();
}
