// Node-side data helpers for tests: the CLI's own decoder, file system and split loader, so tests of the core data
// path decode and list files exactly as `yolo-studio` does (core itself stays free of node: imports).
import type { SplitName, ValItem } from '../src/core/data';
import type { VerifyOptions } from '../src/core/data/verify';
import { loadSplit } from '../src/cli/dataset';
import { decodeImage, readImageInfo } from '../src/cli/image';

export { decodeImage, readImageInfo } from '../src/cli/image';
export { loadSplit, nodeFs } from '../src/cli/dataset';

/** A split of a data.yaml on disk as loader items (image path, upstream's exif size, label rows). */
export async function itemsForTests(yamlPath: string, split: SplitName): Promise<ValItem[]> {
  return (await loadSplit(yamlPath, split)).items;
}

/** The image checks `yolo-studio check` gives verification. */
export const nodeVerify: Pick<VerifyOptions, 'readInfo' | 'decodeCheck'> = {
  readInfo: (bytes, path) => readImageInfo(bytes, path),
  decodeCheck: async (bytes, path) => {
    await decodeImage(bytes, path);
  },
};
