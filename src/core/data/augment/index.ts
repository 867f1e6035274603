// Training augmentation as upstream YOLOv5 v7.0 applies it, on the CPU, seeded: OpenCV-exact warps and HSV, mosaic,
// mixup, flips, and the per-sample recipe (__getitem__) that combines them.
export { fliplrImage, fliplrLabels, flipudImage, flipudLabels } from './flip';
export { applyHsvLuts, augmentHsv, hsvGains, hsvLuts, hsvToRgb, rgbToHsv } from './hsv';
export { checkAugmentHyp, type AugmentHyp } from './hyp';
export { mixup, sampleBeta, sampleGamma, type MixupResult } from './mixup';
export { composeMosaic, finishMosaic, mosaicBorder, planMosaic, type MosaicCanvas, type MosaicPlan, type MosaicResult, type MosaicTile } from './mosaic';
export {
  boxCandidates,
  drawPerspective,
  perspectiveMatrix,
  randomPerspective,
  transformBoxes,
  type BoxCandidateOptions,
  type PerspectiveDraws,
  type PerspectiveParams,
  type PerspectiveResult,
  type PerspectiveTransform,
} from './perspective';
export { trainSample, type SampleOptions, type SampleSource, type TrainSample } from './sample';
export { labelsToClassWeights, labelsToImageWeights, multiScaleShape, multiScaleSize, weightedChoices } from './sampling';
export { invert3x3, warpAffine, warpPerspective } from './warp';
export { augmentKernels, setAugmentWasm } from './wasm/kernels';
