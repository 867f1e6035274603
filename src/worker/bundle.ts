// The cluster bundle of a stored dataset: the manifest's verified images (read from IndexedDB one at a time, when
// the zip stream is pulled) and the studio's settings become core/bundle's input; the zip goes out as a pull-based
// ReadableStream, so the page can save a dataset far larger than memory (to a file picker's stream, or a Blob the
// browser keeps on disk).
import { validateHyp } from '../core/config/hypYaml';
import { isHypPresetName } from '../core/config/hyps';
import { validateTrainOptions } from '../core/config/trainOptions';
import { planBundle, writeBundle, type BundleImage, type BundleInput } from '../core/bundle/writer';
import type { ToWorker } from '../protocol/messages';
import { cfgOption, customYamlName } from '../protocol/modelSetup';
import { getManifest, readImage, type ImageRef, type StudioDb } from '../storage';
import { loadModelYaml } from './modelYaml';
import { shippedWeights } from './startWeights';

export type BundleMessage = Extract<ToWorker, { type: 'bundle' }>;

/** The bundle's input from storage and the message's settings (the options exactly as a studio run would use). */
export async function bundleInput(db: StudioDb, msg: BundleMessage, onProgress?: (done: number, total: number) => void): Promise<BundleInput> {
  const manifest = await getManifest(db, msg.datasetId);
  const image = (ref: ImageRef): BundleImage => ({
    path: ref.path,
    labels: ref.labels,
    type: ref.type,
    bytes: async () => new Uint8Array(await (await readImage(db, msg.datasetId, ref.key)).arrayBuffer()),
  });
  const { config } = msg;
  // A dropped .pt or a stored checkpoint; a custom model yaml is shipped beside it and named by --cfg.
  const weights = await shippedWeights(db, msg, config.weightsName);
  // A yaml upstream would refuse fails now, with its line, not on the cluster.
  if (config.cfgYaml !== undefined) loadModelYaml(config.cfgYaml, customYamlName(config.cfgName), manifest.names.length);
  const { options } = validateTrainOptions({
    ...config.options,
    cfg: cfgOption(config, Boolean(weights)),
    weights: weights?.fileName ?? '',
    data: manifest.name,
    hyp: isHypPresetName(config.hypPreset) ? config.hypPreset : 'hyp.yaml',
    ...(msg.name ? { name: msg.name } : {}),
  });
  return {
    dataset: {
      name: manifest.name,
      names: manifest.names,
      splits: { train: manifest.splits.train.map(image), val: manifest.splits.val.map(image), test: manifest.splits.test?.map(image) },
    },
    hyp: validateHyp(config.hyp as unknown as Record<string, unknown>, 'hyperparameters'),
    options,
    ...(weights ? { weights } : {}),
    ...(config.cfgYaml !== undefined ? { cfgFile: { fileName: customYamlName(config.cfgName), text: config.cfgYaml } } : {}),
    gpus: msg.gpus,
    nodes: msg.nodes,
    zipName: msg.fileName,
    onProgress,
  };
}

/**
 * The zip as a stream that writes on demand: each pull takes the next chunk from the writer (which reads the next
 * image only then), and a cancel ends the writer. highWaterMark 1 keeps at most one chunk queued ahead.
 */
export function zipStream(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/** Checks the settings (so a bad batch or a missing split fails now, not mid-download) and opens the stream. */
export async function openBundle(
  db: StudioDb,
  msg: BundleMessage,
  onProgress?: (done: number, total: number) => void,
): Promise<{ fileName: string; images: number; stream: ReadableStream<Uint8Array> }> {
  const input = await bundleInput(db, msg, onProgress);
  const plan = planBundle(input);
  return { fileName: plan.zipName, images: plan.images, stream: zipStream(writeBundle(input)) };
}
