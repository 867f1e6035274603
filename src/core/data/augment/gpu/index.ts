// Training augmentation drawn with tfjs ops (WebGPU in the browser worker; any backend in tests) from the same
// per-sample plans as the CPU path (../plan.ts): same draws and labels, pixels within a level or two of OpenCV's.
export { letterboxImage, mosaicCanvas, mosaicImage, transformParams, Uploads, warpImage } from './geometry';
export { disposeHsvTables, hsvBatch } from './hsv';
export { renderBatch } from './render';
