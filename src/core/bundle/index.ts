/** The cluster bundle (a zip upstream YOLOv5 trains from as it is) and bringing a cluster run back. */
export { BundleError, ExternalRunError, ResultsCsvError } from './errors';
export { planBundle, writeBundle, type BundleDataset, type BundleImage, type BundleInput, type BundlePlan, type BundleSplit } from './writer';
export { datasetDirName, float32Text, labelText } from './layout';
export { optYamlText, shellLine, trainArgs, upstreamOpt, type TrainPaths } from './upstreamOpt';
export { ZipStreamWriter, type ZipWriterOptions } from './zipWriter';
export { readResultsCsv } from './resultsCsv';
export { readExternalRun, type ExternalCheckpoint, type ExternalFile, type ExternalKind, type ExternalRun } from './externalRun';
