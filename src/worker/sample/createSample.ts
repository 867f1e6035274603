// Generates the built-in sample dataset (64 train + 16 val images of 128 px, 3 classes) and stores it like any
// dropped dataset, so training reads it through the same path. Seeded: the same seed gives the same dataset.
import { labelStats } from '../../core/data/stats';
import { importDataset, type DatasetManifest, type ImportItem, type StudioDb } from '../../storage';
import { renderScene } from './render';
import { imageRng, makeScene, SAMPLE_COUNTS, SAMPLE_NAMES, SAMPLE_SIZE, sceneLabels } from './scene';

export const SAMPLE_DATASET_NAME = 'Sample: shapes (3 classes)';

export async function createSampleDataset(
  db: StudioDb,
  seed: number,
  onProgress: (done: number, total: number) => void,
): Promise<DatasetManifest> {
  const total = SAMPLE_COUNTS.train + SAMPLE_COUNTS.val;
  const labels: { labels: Float32Array }[] = [];
  async function* items(): AsyncGenerator<ImportItem> {
    let done = 0;
    for (const split of ['train', 'val'] as const) {
      for (let i = 0; i < SAMPLE_COUNTS[split]; i++) {
        const rng = imageRng(seed, split, i);
        const scene = makeScene(rng);
        const rows = sceneLabels(scene);
        labels.push({ labels: rows });
        const blob = await renderScene(scene, rng);
        yield { split, path: `images/${split}/shapes_${String(i).padStart(3, '0')}.jpg`, bytes: blob, width: SAMPLE_SIZE, height: SAMPLE_SIZE, labels: rows, type: 'image/jpeg' };
        onProgress(++done, total);
      }
    }
  }
  return importDataset(db, items(), {
    name: SAMPLE_DATASET_NAME,
    names: [...SAMPLE_NAMES],
    report: { generated: true, seed, problems: [] },
    complete: () => ({ stats: summarize(labelStats(labels, SAMPLE_NAMES)) }),
  }, { total });
}

/** The plain parts of LabelStats (typed arrays become number[] so the manifest stays JSON). */
function summarize(s: ReturnType<typeof labelStats>) {
  return { images: s.images, backgrounds: s.backgrounds, instances: s.instances, perClass: s.perClass };
}
