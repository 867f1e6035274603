// A data.yaml split on disk -> validation items (image path, size as upstream measures it, labels), with the
// problems found along the way. Node file access for the core's injected DatasetFs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  exifSizeUpstream, labelPathFor, parseDataYaml, parseLabels, resolveImageList,
  type DataConfig, type DatasetFs, type SplitName, type ValItem,
} from '../core/data';
import { YoloError } from '../core/errors';
import { readImageInfo } from './image';

export const nodeFs: DatasetFs = {
  stat(p) {
    if (!existsSync(p)) return null;
    return statSync(p).isDirectory() ? 'dir' : 'file';
  },
  listFiles(dir) {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(p);
      }
    };
    walk(dir);
    return out;
  },
  readText: (p) => readFileSync(p, 'utf8'),
};

export interface LoadedSplit {
  data: DataConfig;
  items: ValItem[];
  /** Images left out, with why (unreadable image, malformed label file). */
  problems: string[];
  backgrounds: number;
}

export async function loadSplit(yamlPath: string, split: SplitName): Promise<LoadedSplit> {
  if (!existsSync(yamlPath)) throw new YoloError('data_not_found', 'no such data.yaml', { file: yamlPath });
  const data = parseDataYaml(readFileSync(yamlPath, 'utf8'), resolve(yamlPath));
  const spec = data[split];
  if (!spec) throw new YoloError('split_missing', `the data.yaml has no '${split}' split`, { file: yamlPath });
  const files = resolveImageList(spec, nodeFs);
  const items: ValItem[] = [];
  const problems: string[] = [];
  let backgrounds = 0;
  for (const file of files) {
    try {
      const info = await readImageInfo(file);
      const labelFile = labelPathFor(file);
      const labels = existsSync(labelFile) ? parseLabels(readFileSync(labelFile, 'utf8'), labelFile, { nc: data.nc }) : null;
      if (!labels || labels.n === 0) backgrounds++;
      items.push({ file, shapeWH: exifSizeUpstream(info.width, info.height, info.orientation), labels: labels?.rows ?? new Float32Array(0) });
    } catch (e) {
      if (!(e instanceof YoloError)) throw e;
      problems.push(e.message);
    }
  }
  return { data, items, problems, backgrounds };
}
