// A few validation images' true and predicted boxes, kept by a validation run for a gallery (upstream draws the same
// from the first val batch into val_batch0_labels.jpg / val_batch0_pred.jpg). Boxes are in original-image pixels,
// so a viewer draws them over the stored image as it is, without knowing the letterbox.

export interface GalleryImage {
  /** The item's file (the storage key in the studio), as handed to `decode`. */
  file: string;
  /** Original image size. */
  width: number;
  height: number;
  /** (m, 5) [cls, x1, y1, x2, y2] true boxes. */
  labels: Float32Array;
  /** (k, 6) [x1, y1, x2, y2, conf, cls] predictions after NMS, by confidence descending, at most `maxDet`. */
  dets: Float32Array;
}

/** Predictions kept per image: enough to draw at any threshold a viewer picks, few enough for a small message. */
export const GALLERY_MAX_DET = 30;

/**
 * @param predn (n, 6) rescaled predictions of one image, as NMS ordered them
 * @param labelsn (m, 5) rescaled labels
 */
export function galleryImage(
  file: string,
  hw0: readonly [number, number],
  predn: Float32Array,
  labelsn: Float32Array,
  maxDet = GALLERY_MAX_DET,
): GalleryImage {
  const n = predn.length / 6;
  // Stable sort by confidence, descending: NMS output already is, but the gallery must not depend on it.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => predn[b * 6 + 4] - predn[a * 6 + 4]);
  const keep = order.slice(0, maxDet);
  const dets = new Float32Array(keep.length * 6);
  keep.forEach((d, i) => dets.set(predn.subarray(d * 6, d * 6 + 6), i * 6));
  return { file, width: hw0[1], height: hw0[0], labels: Float32Array.from(labelsn), dets };
}
