// The exported model's input from an image: (1, 3, H, W) NCHW float32 in [0, 1], as upstream feeds ONNX
// (im.transpose((2, 0, 1)) / 255). The same values imagesToTensor gives the tfjs model, in the other layout.
import type { RgbImage } from '../../data';

/** A letterboxed uint8 HWC RGB image -> NCHW float32 data for the `images` input, and its dims. */
export function imageToNchw(img: RgbImage): { data: Float32Array; dims: [1, 3, number, number] } {
  const { width: w, height: h } = img;
  const plane = w * h;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = img.data[i * 3 + c] / 255;
  }
  return { data, dims: [1, 3, h, w] };
}
