// Builds the run view's ValAnalytics (protocol/valAnalytics.ts) from a ValResult: curves resampled for the
// 'epoch' message, the confusion matrix with class names, the gallery's boxes keyed by stored image.
import { curvePeak, meanCurve, resampleCurve, type ApCurves } from '../core/metrics';
import type { ValResult } from '../core/val';
import { CURVE_POINTS, MAX_CLASS_LINES, type CurveChart, type CurveCharts, type CurveLine, type ValAnalytics } from '../protocol/valAnalytics';

const f32 = (y: ArrayLike<number>) => Float32Array.from(y);
const resampled = (px: Float64Array, y: ArrayLike<number>) => f32(resampleCurve(px, y, CURVE_POINTS));

/** plot_mc_curve: one line per class, and the smoothed mean named by its peak ("all classes 0.42 at 0.310"). */
function confidenceChart(px: Float64Array, rows: Float64Array[], rowClass: Int32Array, names: string[], withLines: boolean): CurveChart {
  const mean = meanCurve(rows);
  if (!mean) return { lines: [], mean: null };
  const peak = curvePeak(px, mean);
  return {
    lines: withLines ? rows.map((y, i) => ({ name: names[i], cls: rowClass[i], label: names[i], y: resampled(px, y) })) : [],
    mean: { name: 'all classes', cls: -1, label: `all classes ${peak.value.toFixed(2)} at ${peak.at.toFixed(3)}`, y: resampled(px, peak.smoothed) },
  };
}

/**
 * ap_per_class's curves as charts.
 * @param rowClass class index of each curve row
 * @param ap50 AP@0.5 by class index (classes without one have 0, as when nothing was correct)
 * @param map50 the 'all classes' mAP@0.5 (upstream's legend is ap[:, 0].mean(), i.e. the mAP50 of the row)
 */
export function curveCharts(c: ApCurves, rowClass: Int32Array, names: readonly string[], ap50: ReadonlyMap<number, number>, map50: number): CurveCharts {
  const rowNames = Array.from(rowClass, (k) => names[k] ?? String(k));
  const withLines = rowClass.length <= MAX_CLASS_LINES;
  const prLines: CurveLine[] = [];
  c.pr.forEach((y, i) => {
    if (y) prLines.push({ name: rowNames[i], cls: rowClass[i], label: `${rowNames[i]} ${(ap50.get(rowClass[i]) ?? 0).toFixed(3)}`, y: resampled(c.px, y) });
  });
  const prMean = meanCurve(c.pr);
  return {
    pr: {
      lines: withLines ? prLines : [],
      mean: prMean && { name: 'all classes', cls: -1, label: `all classes ${map50.toFixed(3)} mAP@0.5`, y: resampled(c.px, prMean) },
    },
    f1: confidenceChart(c.px, c.f1, rowClass, rowNames, withLines),
    p: confidenceChart(c.px, c.p, rowClass, rowNames, withLines),
    r: confidenceChart(c.px, c.r, rowClass, rowNames, withLines),
  };
}

/** The analytics of one validation; `datasetId` tells the UI where the gallery's image blobs are stored. */
export function toValAnalytics(val: ValResult, names: readonly string[], datasetId: string): ValAnalytics {
  const s = val.summary;
  const ap50 = new Map<number, number>();
  s.apClass.forEach((c, i) => ap50.set(c, s.ap50[i]));
  const cm = val.confusion;
  return {
    all: { images: val.images, instances: val.instances, P: val.P, R: val.R, mAP50: val.mAP50, mAP50_95: val.mAP50_95 },
    confusion: cm
      ? { names: [...Array.from({ length: cm.nc }, (_, i) => names[i] ?? String(i)), 'background'], matrix: Array.from(cm.matrix) }
      : null,
    ...(s.curves && s.curveClass ? { curves: curveCharts(s.curves, s.curveClass, names, ap50, val.mAP50) } : {}),
    ...(val.gallery
      ? {
          gallery: {
            datasetId,
            images: val.gallery.map((g) => ({ key: g.file, width: g.width, height: g.height, labels: g.labels, dets: g.dets })),
          },
        }
      : {}),
  };
}
