// Public surface of the data path: data.yaml, image lists, labels, OpenCV-exact resize, letterbox, val loader, dataset
// import (formats, zip), verification, val split and label statistics.
export { DataConfigError, ImageDecodeError, LabelError } from './errors';
export { assertRgbImage, filledImage, type RgbImage } from './image';
export {
  IMG_FORMATS,
  compareCodePoints,
  dirnamePath,
  isAbsolutePath,
  isImagePath,
  joinPath,
  labelPathFor,
  normalizePath,
} from './paths';
export { parseDataYaml, type DataConfig, type ParseDataYamlOptions, type SplitEntry, type SplitName, type SplitSpec } from './dataYaml';
export { memoryFs, resolveImageList, type DatasetFs } from './imageList';
export { emptyLabels, parseLabels, type LabelSet, type ParseLabelsOptions } from './labels';
export { resize, roundHalfEven, type Interpolation } from './resize';
export { letterbox, letterboxGeometry, padImage, type LetterboxGeometry, type LetterboxOptions, type LetterboxResult, type ShapeArg } from './letterbox';
export { clipBoxes, scaleBoxes, xywhToXyxy, xywhnToXyxy, xyxyToXywhn, type BoxRows, type RatioPad } from './boxes';
export { npArgsort as argsortNumpy } from '../metrics/npArgsort';
export {
  exifSizeUpstream,
  labelsToPixelXyxy,
  loadImage,
  planValBatches,
  rectBatches,
  valBatches,
  valSample,
  type LoadedImage,
  type RectBatchPlan,
  type RectOptions,
  type ValBatch,
  type ValBatchPlan,
  type ValItem,
  type ValLoaderOptions,
  type ValSample,
} from './valLoader';
export * from './augment';
export { TrainLoader, mixSeed, type TrainBatch, type TrainLoaderOptions } from './trainLoader';
export {
  assertTrainable, DatasetCheckError, MIN_IMAGE_SIZE, scanningLine, summaryLine, verifyDataset,
  type DatasetImage, type ImageHeader, type SplitReport, type VerifiedDataset, type VerifyOptions, type VerifyReport,
} from './verify';
export { applyAutoSplit, DEFAULT_VAL_FRACTION, splitTrainVal, type SplitOptions } from './split';
export { datasetStats, labelStats, STATS_BINS, type ClassStats, type LabelStats } from './stats';
export { DEFAULT_ZIP_LIMITS, safeEntryPath, unzipStream, unzipToFiles, ZipError, type ZipInput, type ZipLimits } from './zip';
export {
  DatasetFormatError, importDataset, isJunkPath, memorySource, SPLITS,
  type DatasetFormat, type DatasetSource, type ImageEntry, type ImportedDataset, type ImportOptions, type InputFile, type LabelSource,
  type Problem, type ProblemAction,
} from './formats';
export { prepareDataset, type PrepareOptions, type PreparedDataset } from './formats/prepare';
