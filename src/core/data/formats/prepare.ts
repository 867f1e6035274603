// The whole path from files to a dataset ready for storage and training: import (any layout) -> verify every image
// and label -> split off val when the dataset has none -> label statistics.
import type { SplitName } from '../dataYaml';
import { applyAutoSplit, type SplitOptions } from '../split';
import { datasetStats, type LabelStats } from '../stats';
import { verifyDataset, type VerifiedDataset, type VerifyOptions } from '../verify';
import { importDataset, type ImportOptions } from './index';
import type { DatasetSource } from './types';

export interface PrepareOptions extends ImportOptions, VerifyOptions, SplitOptions {}

export interface PreparedDataset extends VerifiedDataset {
  stats: Partial<Record<SplitName, LabelStats>>;
}

export async function prepareDataset(source: DatasetSource, opts: PrepareOptions): Promise<PreparedDataset> {
  const imported = importDataset(source, opts);
  let ds = await verifyDataset(imported, source, opts);
  if (!imported.splits.val) ds = applyAutoSplit(ds, opts);
  return { ...ds, stats: datasetStats(ds) };
}
