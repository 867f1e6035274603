/** ONNX export of a YOLOv5 model (upstream export.py --include onnx), with our own protobuf writer. */
export {
  checkpointToOnnx, DEFAULT_OPSET, exportOnnx, MAX_OPSET, MIN_OPSET, type OnnxExport, OnnxExportError, type OnnxExportOptions,
} from './export';
export { imageToNchw } from './input';
export { namesRepr, pyStrRepr } from './metadata';
export { type OnnxSummary, readOnnxSummary } from './protoReader';
