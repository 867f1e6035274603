// Training augmentation as upstream YOLOv5 v7.0 applies it, on the CPU, seeded: OpenCV-exact warps and HSV, mosaic,
// mixup, flips, and the per-sample recipe (__getitem__) that combines them.
export { fliplrImage, fliplrLabels, flipudImage, flipudLabels } from './flip';
export { applyHsvLuts, augmentHsv, hsvGains, hsvLuts, hsvToRgb, rgbToHsv } from './hsv';
export { checkAugmentHyp, type AugmentHyp } from './hyp';
export { blendImages, concatLabels, mixup, sampleBeta, sampleGamma, type MixupResult } from './mixup';
export {
  composeMosaic,
  finishMosaic,
  mosaicBorder,
  mosaicLabels,
  mosaicPixels,
  placeTiles,
  planMosaic,
  type MosaicCanvas,
  type MosaicPlan,
  type MosaicResult,
  type MosaicTile,
  type TilePlacement,
} from './mosaic';
export {
  applyPerspective,
  boxCandidates,
  drawPerspective,
  perspectiveMatrix,
  planPerspective,
  randomPerspective,
  transformBoxes,
  type BoxCandidateOptions,
  type PerspectiveDraws,
  type PerspectiveParams,
  type PerspectivePlan,
  type PerspectiveResult,
  type PerspectiveTransform,
} from './perspective';
export {
  planTrainSample,
  type LetterboxSource,
  type MosaicSource,
  type SampleKind,
  type SampleOptions,
  type SamplePlan,
  type SampleSource,
} from './plan';
export { renderSample, trainSample, type TrainSample } from './sample';
export { labelsToClassWeights, labelsToImageWeights, multiScaleShape, multiScaleSize, weightedChoices } from './sampling';
export { invert3x3, warpAffine, warpPerspective } from './warp';
export { augmentKernels, setAugmentWasm } from './wasm/kernels';
