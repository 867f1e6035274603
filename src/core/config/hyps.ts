// Hyperparameters as one flat object with upstream's key names (YOLOv5 v7.0 data/hyps/hyp.scratch-*.yaml), in the
// yaml files' key order, with their comments. Presets are data; the yaml reader/writer lives in hypYaml.ts.

export interface Hyp {
  /** initial learning rate (SGD=1E-2, Adam=1E-3) */
  lr0: number;
  /** final OneCycleLR learning rate (lr0 * lrf) */
  lrf: number;
  /** SGD momentum/Adam beta1 */
  momentum: number;
  /** optimizer weight decay 5e-4 */
  weight_decay: number;
  /** warmup epochs (fractions ok) */
  warmup_epochs: number;
  /** warmup initial momentum */
  warmup_momentum: number;
  /** warmup initial bias lr */
  warmup_bias_lr: number;
  /** box loss gain */
  box: number;
  /** cls loss gain */
  cls: number;
  /** cls BCELoss positive_weight */
  cls_pw: number;
  /** obj loss gain (scale with pixels) */
  obj: number;
  /** obj BCELoss positive_weight */
  obj_pw: number;
  /** IoU training threshold */
  iou_t: number;
  /** anchor-multiple threshold */
  anchor_t: number;
  /** anchors per output layer (0 to ignore); commented out in the presets */
  anchors?: number;
  /** focal loss gamma (efficientDet default gamma=1.5) */
  fl_gamma: number;
  /** image HSV-Hue augmentation (fraction) */
  hsv_h: number;
  /** image HSV-Saturation augmentation (fraction) */
  hsv_s: number;
  /** image HSV-Value augmentation (fraction) */
  hsv_v: number;
  /** image rotation (+/- deg) */
  degrees: number;
  /** image translation (+/- fraction) */
  translate: number;
  /** image scale (+/- gain) */
  scale: number;
  /** image shear (+/- deg) */
  shear: number;
  /** image perspective (+/- fraction), range 0-0.001 */
  perspective: number;
  /** image flip up-down (probability) */
  flipud: number;
  /** image flip left-right (probability) */
  fliplr: number;
  /** image mosaic (probability) */
  mosaic: number;
  /** image mixup (probability) */
  mixup: number;
  /** segment copy-paste (probability) */
  copy_paste: number;
}

/** Every key a hyp file may hold, in the yaml files' order ('anchors' is optional and an integer). */
export const HYP_KEYS = [
  'lr0', 'lrf', 'momentum', 'weight_decay', 'warmup_epochs', 'warmup_momentum', 'warmup_bias_lr',
  'box', 'cls', 'cls_pw', 'obj', 'obj_pw', 'iou_t', 'anchor_t', 'anchors', 'fl_gamma',
  'hsv_h', 'hsv_s', 'hsv_v', 'degrees', 'translate', 'scale', 'shear', 'perspective',
  'flipud', 'fliplr', 'mosaic', 'mixup', 'copy_paste',
] as const satisfies readonly (keyof Hyp)[];

export type HypKey = (typeof HYP_KEYS)[number];
/** The keys every hyp file must have. */
export type RequiredHypKey = Exclude<HypKey, 'anchors'>;
export const REQUIRED_HYP_KEYS = HYP_KEYS.filter((k): k is RequiredHypKey => k !== 'anchors');

/** The yaml files' comment for each key, so a written hyp.yaml can carry them. */
export const HYP_COMMENTS: Record<HypKey, string> = {
  lr0: 'initial learning rate (SGD=1E-2, Adam=1E-3)',
  lrf: 'final OneCycleLR learning rate (lr0 * lrf)',
  momentum: 'SGD momentum/Adam beta1',
  weight_decay: 'optimizer weight decay 5e-4',
  warmup_epochs: 'warmup epochs (fractions ok)',
  warmup_momentum: 'warmup initial momentum',
  warmup_bias_lr: 'warmup initial bias lr',
  box: 'box loss gain',
  cls: 'cls loss gain',
  cls_pw: 'cls BCELoss positive_weight',
  obj: 'obj loss gain (scale with pixels)',
  obj_pw: 'obj BCELoss positive_weight',
  iou_t: 'IoU training threshold',
  anchor_t: 'anchor-multiple threshold',
  anchors: 'anchors per output layer (0 to ignore)',
  fl_gamma: 'focal loss gamma (efficientDet default gamma=1.5)',
  hsv_h: 'image HSV-Hue augmentation (fraction)',
  hsv_s: 'image HSV-Saturation augmentation (fraction)',
  hsv_v: 'image HSV-Value augmentation (fraction)',
  degrees: 'image rotation (+/- deg)',
  translate: 'image translation (+/- fraction)',
  scale: 'image scale (+/- gain)',
  shear: 'image shear (+/- deg)',
  perspective: 'image perspective (+/- fraction), range 0-0.001',
  flipud: 'image flip up-down (probability)',
  fliplr: 'image flip left-right (probability)',
  mosaic: 'image mosaic (probability)',
  mixup: 'image mixup (probability)',
  copy_paste: 'segment copy-paste (probability)',
};

export const HYP_PRESET_NAMES = ['scratch-low', 'scratch-med', 'scratch-high'] as const;
export type HypPresetName = (typeof HYP_PRESET_NAMES)[number];

/** hyp.scratch-low.yaml: low-augmentation COCO training from scratch (yolov5n/s). */
const SCRATCH_LOW: Hyp = {
  lr0: 0.01, // initial learning rate (SGD=1E-2, Adam=1E-3)
  lrf: 0.01, // final OneCycleLR learning rate (lr0 * lrf)
  momentum: 0.937, // SGD momentum/Adam beta1
  weight_decay: 0.0005, // optimizer weight decay 5e-4
  warmup_epochs: 3.0, // warmup epochs (fractions ok)
  warmup_momentum: 0.8, // warmup initial momentum
  warmup_bias_lr: 0.1, // warmup initial bias lr
  box: 0.05, // box loss gain
  cls: 0.5, // cls loss gain
  cls_pw: 1.0, // cls BCELoss positive_weight
  obj: 1.0, // obj loss gain (scale with pixels)
  obj_pw: 1.0, // obj BCELoss positive_weight
  iou_t: 0.20, // IoU training threshold
  anchor_t: 4.0, // anchor-multiple threshold
  // anchors: 3, // anchors per output layer (0 to ignore)
  fl_gamma: 0.0, // focal loss gamma (efficientDet default gamma=1.5)
  hsv_h: 0.015, // image HSV-Hue augmentation (fraction)
  hsv_s: 0.7, // image HSV-Saturation augmentation (fraction)
  hsv_v: 0.4, // image HSV-Value augmentation (fraction)
  degrees: 0.0, // image rotation (+/- deg)
  translate: 0.1, // image translation (+/- fraction)
  scale: 0.5, // image scale (+/- gain)
  shear: 0.0, // image shear (+/- deg)
  perspective: 0.0, // image perspective (+/- fraction), range 0-0.001
  flipud: 0.0, // image flip up-down (probability)
  fliplr: 0.5, // image flip left-right (probability)
  mosaic: 1.0, // image mosaic (probability)
  mixup: 0.0, // image mixup (probability)
  copy_paste: 0.0, // segment copy-paste (probability)
};

/** hyp.scratch-med.yaml: medium-augmentation COCO training from scratch (yolov5m). */
const SCRATCH_MED: Hyp = {
  lr0: 0.01, // initial learning rate (SGD=1E-2, Adam=1E-3)
  lrf: 0.1, // final OneCycleLR learning rate (lr0 * lrf)
  momentum: 0.937, // SGD momentum/Adam beta1
  weight_decay: 0.0005, // optimizer weight decay 5e-4
  warmup_epochs: 3.0, // warmup epochs (fractions ok)
  warmup_momentum: 0.8, // warmup initial momentum
  warmup_bias_lr: 0.1, // warmup initial bias lr
  box: 0.05, // box loss gain
  cls: 0.3, // cls loss gain
  cls_pw: 1.0, // cls BCELoss positive_weight
  obj: 0.7, // obj loss gain (scale with pixels)
  obj_pw: 1.0, // obj BCELoss positive_weight
  iou_t: 0.20, // IoU training threshold
  anchor_t: 4.0, // anchor-multiple threshold
  // anchors: 3, // anchors per output layer (0 to ignore)
  fl_gamma: 0.0, // focal loss gamma (efficientDet default gamma=1.5)
  hsv_h: 0.015, // image HSV-Hue augmentation (fraction)
  hsv_s: 0.7, // image HSV-Saturation augmentation (fraction)
  hsv_v: 0.4, // image HSV-Value augmentation (fraction)
  degrees: 0.0, // image rotation (+/- deg)
  translate: 0.1, // image translation (+/- fraction)
  scale: 0.9, // image scale (+/- gain)
  shear: 0.0, // image shear (+/- deg)
  perspective: 0.0, // image perspective (+/- fraction), range 0-0.001
  flipud: 0.0, // image flip up-down (probability)
  fliplr: 0.5, // image flip left-right (probability)
  mosaic: 1.0, // image mosaic (probability)
  mixup: 0.1, // image mixup (probability)
  copy_paste: 0.0, // segment copy-paste (probability)
};

/** hyp.scratch-high.yaml: high-augmentation COCO training from scratch (yolov5l/x); med plus copy-paste. */
const SCRATCH_HIGH: Hyp = {
  lr0: 0.01, // initial learning rate (SGD=1E-2, Adam=1E-3)
  lrf: 0.1, // final OneCycleLR learning rate (lr0 * lrf)
  momentum: 0.937, // SGD momentum/Adam beta1
  weight_decay: 0.0005, // optimizer weight decay 5e-4
  warmup_epochs: 3.0, // warmup epochs (fractions ok)
  warmup_momentum: 0.8, // warmup initial momentum
  warmup_bias_lr: 0.1, // warmup initial bias lr
  box: 0.05, // box loss gain
  cls: 0.3, // cls loss gain
  cls_pw: 1.0, // cls BCELoss positive_weight
  obj: 0.7, // obj loss gain (scale with pixels)
  obj_pw: 1.0, // obj BCELoss positive_weight
  iou_t: 0.20, // IoU training threshold
  anchor_t: 4.0, // anchor-multiple threshold
  // anchors: 3, // anchors per output layer (0 to ignore)
  fl_gamma: 0.0, // focal loss gamma (efficientDet default gamma=1.5)
  hsv_h: 0.015, // image HSV-Hue augmentation (fraction)
  hsv_s: 0.7, // image HSV-Saturation augmentation (fraction)
  hsv_v: 0.4, // image HSV-Value augmentation (fraction)
  degrees: 0.0, // image rotation (+/- deg)
  translate: 0.1, // image translation (+/- fraction)
  scale: 0.9, // image scale (+/- gain)
  shear: 0.0, // image shear (+/- deg)
  perspective: 0.0, // image perspective (+/- fraction), range 0-0.001
  flipud: 0.0, // image flip up-down (probability)
  fliplr: 0.5, // image flip left-right (probability)
  mosaic: 1.0, // image mosaic (probability)
  mixup: 0.1, // image mixup (probability)
  copy_paste: 0.1, // segment copy-paste (probability)
};

const PRESETS: Record<HypPresetName, Readonly<Hyp>> = {
  'scratch-low': Object.freeze(SCRATCH_LOW),
  'scratch-med': Object.freeze(SCRATCH_MED),
  'scratch-high': Object.freeze(SCRATCH_HIGH),
};

export function isHypPresetName(s: string): s is HypPresetName {
  return (HYP_PRESET_NAMES as readonly string[]).includes(s);
}

/** A fresh, mutable copy of a preset (train.py scales some keys in place, so never hand out the shared one). */
export function hypPreset(name: HypPresetName): Hyp {
  return { ...PRESETS[name] };
}

/** Upstream's "hyperparameters: lr0=0.01, lrf=0.01, ..." log line; floats print as Python repr (3.0, 0.0005). */
export function formatHypLog(hyp: Hyp): string {
  const parts = HYP_KEYS.filter((k) => hyp[k] !== undefined).map((k) => `${k}=${pyRepr(k, hyp[k]!)}`);
  return `hyperparameters: ${parts.join(', ')}`;
}

/** Every hyp key is a Python float except 'anchors' (an int). */
export function pyRepr(key: HypKey, v: number): string {
  return key === 'anchors' ? String(v) : pyFloatRepr(v);
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 or from 1e16, always a '.' or 'e'. */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, e] = v.toExponential().split('e'); // shortest digits, e.g. '5e-5', '1.5e+0'
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const s = String(v); // JS uses plain notation for 1e-6 <= |v| < 1e21, so this range prints plainly
  return s.includes('.') ? s : `${s}.0`;
}
