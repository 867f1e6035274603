// YOLOv5 v7.0 architectures as data: the rows of upstream's models/yolov5{n,s,m,l,x}.yaml.
// Every size shares the same rows; only depth_multiple / width_multiple differ.

/** A yaml row: [from, number, module, args]. `from` is -1 (previous layer) or absolute/negative layer indices. */
export type LayerRow = [from: number | number[], number: number, module: string, args: unknown[]];

export interface ModelConfig {
  nc: number;
  depth_multiple: number;
  width_multiple: number;
  /** Per level, flat pixel pairs [w0,h0, w1,h1, ...] as in the yaml, or a count of anchors per level. */
  anchors: number[][] | number;
  backbone: LayerRow[];
  head: LayerRow[];
  /** File stem the config came from (`yolov5s`), used for the summary's model name. */
  name?: string;
}

const ANCHORS_P5 = [
  [10, 13, 16, 30, 33, 23], // P3/8
  [30, 61, 62, 45, 59, 119], // P4/16
  [116, 90, 156, 198, 373, 326], // P5/32
];

const BACKBONE: LayerRow[] = [
  [-1, 1, 'Conv', [64, 6, 2, 2]], // 0-P1/2
  [-1, 1, 'Conv', [128, 3, 2]], // 1-P2/4
  [-1, 3, 'C3', [128]],
  [-1, 1, 'Conv', [256, 3, 2]], // 3-P3/8
  [-1, 6, 'C3', [256]],
  [-1, 1, 'Conv', [512, 3, 2]], // 5-P4/16
  [-1, 9, 'C3', [512]],
  [-1, 1, 'Conv', [1024, 3, 2]], // 7-P5/32
  [-1, 3, 'C3', [1024]],
  [-1, 1, 'SPPF', [1024, 5]], // 9
];

const HEAD: LayerRow[] = [
  [-1, 1, 'Conv', [512, 1, 1]],
  [-1, 1, 'nn.Upsample', [null, 2, 'nearest']],
  [[-1, 6], 1, 'Concat', [1]], // cat backbone P4
  [-1, 3, 'C3', [512, false]], // 13
  [-1, 1, 'Conv', [256, 1, 1]],
  [-1, 1, 'nn.Upsample', [null, 2, 'nearest']],
  [[-1, 4], 1, 'Concat', [1]], // cat backbone P3
  [-1, 3, 'C3', [256, false]], // 17 (P3/8-small)
  [-1, 1, 'Conv', [256, 3, 2]],
  [[-1, 14], 1, 'Concat', [1]], // cat head P4
  [-1, 3, 'C3', [512, false]], // 20 (P4/16-medium)
  [-1, 1, 'Conv', [512, 3, 2]],
  [[-1, 10], 1, 'Concat', [1]], // cat head P5
  [-1, 3, 'C3', [1024, false]], // 23 (P5/32-large)
  [[17, 20, 23], 1, 'Detect', ['nc', 'anchors']], // Detect(P3, P4, P5)
];

const SIZES = {
  yolov5n: [0.33, 0.25],
  yolov5s: [0.33, 0.5],
  yolov5m: [0.67, 0.75],
  yolov5l: [1.0, 1.0],
  yolov5x: [1.33, 1.25],
} as const;

export type ModelName = keyof typeof SIZES;
export const MODEL_NAMES = Object.keys(SIZES) as ModelName[];

/** A fresh copy (callers may mutate) of a built-in config, COCO's nc = 80. */
export function modelConfig(name: ModelName): ModelConfig {
  const [depth, width] = SIZES[name];
  return structuredClone({
    nc: 80,
    depth_multiple: depth,
    width_multiple: width,
    anchors: ANCHORS_P5,
    backbone: BACKBONE,
    head: HEAD,
    name,
  });
}

export const MODEL_CONFIGS: Record<ModelName, ModelConfig> = Object.fromEntries(
  MODEL_NAMES.map((n) => [n, modelConfig(n)]),
) as Record<ModelName, ModelConfig>;
