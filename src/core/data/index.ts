// Public surface of the data path: data.yaml, image lists, labels, OpenCV-exact resize, letterbox, val loader.
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
export { argsortNumpy } from './argsort';
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
