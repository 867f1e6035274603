/** AutoAnchor: anchor fit (BPR), k-means + genetic anchors, anchor order. */
export { anchorFitLine, BPR_THRESHOLD, checkAnchorOrder, checkAnchors, type CheckAnchorsOptions, type CheckAnchorsResult } from './checkAnchors';
export { kmeanAnchors, kmeans, PREFIX, resultLines, type KmeanOptions, type KmeanResult } from './kmeans';
export { anchorFitness, anchorMetric, jitterScales, labelWh, ratioMetric, type AnchorImage } from './metric';
