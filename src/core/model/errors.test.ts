import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../test/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelConfigError, ShapeError } from '../errors';
import { buildModel, modelConfig, parseModelYaml } from './index';
import { summarize } from './summary';
import { resolveModel } from './spec';

beforeAll(async () => {
  await useBackend('cpu');
});

// The v7.0 yolov5s.yaml as users have it on disk (comments, flow lists, None/False, nc/anchors names).
const YOLOV5S_YAML = `# YOLOv5 by Ultralytics, GPL-3.0 license
nc: 80  # number of classes
depth_multiple: 0.33  # model depth multiple
width_multiple: 0.50  # layer channel multiple
anchors:
  - [10,13, 16,30, 33,23]  # P3/8
  - [30,61, 62,45, 59,119]  # P4/16
  - [116,90, 156,198, 373,326]  # P5/32
backbone:
  [[-1, 1, Conv, [64, 6, 2, 2]],  # 0-P1/2
   [-1, 1, Conv, [128, 3, 2]],  # 1-P2/4
   [-1, 3, C3, [128]],
   [-1, 1, Conv, [256, 3, 2]],  # 3-P3/8
   [-1, 6, C3, [256]],
   [-1, 1, Conv, [512, 3, 2]],  # 5-P4/16
   [-1, 9, C3, [512]],
   [-1, 1, Conv, [1024, 3, 2]],  # 7-P5/32
   [-1, 3, C3, [1024]],
   [-1, 1, SPPF, [1024, 5]],  # 9
  ]
head:
  [[-1, 1, Conv, [512, 1, 1]],
   [-1, 1, nn.Upsample, [None, 2, 'nearest']],
   [[-1, 6], 1, Concat, [1]],  # cat backbone P4
   [-1, 3, C3, [512, False]],  # 13
   [-1, 1, Conv, [256, 1, 1]],
   [-1, 1, nn.Upsample, [None, 2, 'nearest']],
   [[-1, 4], 1, Concat, [1]],  # cat backbone P3
   [-1, 3, C3, [256, False]],  # 17 (P3/8-small)
   [-1, 1, Conv, [256, 3, 2]],
   [[-1, 14], 1, Concat, [1]],  # cat head P4
   [-1, 3, C3, [512, False]],  # 20 (P4/16-medium)
   [-1, 1, Conv, [512, 3, 2]],
   [[-1, 10], 1, Concat, [1]],  # cat head P5
   [-1, 3, C3, [1024, False]],  # 23 (P5/32-large)
   [[17, 20, 23], 1, Detect, [nc, anchors]],  # Detect(P3, P4, P5)
  ]
`;

describe('model yaml', () => {
  it('parses upstream yaml text into the same model as the built-in config', () => {
    const cfg = parseModelYaml(YOLOV5S_YAML, 'models/yolov5s.yaml');
    expect(cfg.name).toBe('yolov5s');
    const a = summarize(resolveModel(cfg), 'a');
    const b = summarize(resolveModel(modelConfig('yolov5s')), 'b');
    expect(a.parameters).toBe(7235389);
    expect(a.rows).toEqual(b.rows);
  });

  it('names the file and line of an unknown module', () => {
    const text = YOLOV5S_YAML.replace('[-1, 1, SPPF, [1024, 5]]', '[-1, 1, SPPX, [1024, 5]]');
    const err = (() => { try { parseModelYaml(text, 'custom.yaml'); } catch (e) { return e; } })() as ModelConfigError;
    expect(err).toBeInstanceOf(ModelConfigError);
    expect(err.code).toBe('unknown_module');
    expect(err.file).toBe('custom.yaml');
    expect(err.line).toBe(text.split('\n').findIndex((l) => l.includes('SPPX')) + 1);
    expect(err.message).toMatch(/custom\.yaml:\d+: .*"SPPX"/);
  });

  it('names the line of a malformed row', () => {
    const text = YOLOV5S_YAML.replace('[-1, 1, Conv, [128, 3, 2]]', '[-1, Conv, [128, 3, 2]]');
    expect(() => parseModelYaml(text, 'bad.yaml')).toThrowError(/bad\.yaml:11: backbone\[1\] must be \[from, number, module, args\]/);
  });

  it('rejects a row whose input is not an earlier layer', () => {
    const text = YOLOV5S_YAML.replace('[[-1, 6], 1, Concat, [1]]', '[[-1, 30], 1, Concat, [1]]');
    expect(() => resolveModel(parseModelYaml(text, 'fwd.yaml'))).toThrowError(/layer 12 .*input 30 is not an earlier layer/);
  });

  it('rejects nc < 1', () => {
    expect(() => buildModel(modelConfig('yolov5n'), { nc: 0 })).toThrowError(ModelConfigError);
    expect(() => parseModelYaml(YOLOV5S_YAML.replace('nc: 80', 'nc: 0'), 'z.yaml') && resolveModel(parseModelYaml(YOLOV5S_YAML.replace('nc: 80', 'nc: 0'), 'z.yaml')))
      .toThrowError(/nc must be a positive integer, got 0/);
  });
});

describe('model inputs and state_dicts', () => {
  it('rejects an input whose size is not a multiple of the max stride', () => {
    const m = buildModel(modelConfig('yolov5n'), { nc: 3 });
    const x = tf.zeros([1, 64, 80 + 8, 3]) as tf.Tensor4D;
    expect(() => m.forwardEval(x)).toThrowError(/input size 64x88 is not a multiple of the max stride 32/);
    x.dispose();
    m.dispose();
  });

  it('names a missing key and a wrongly shaped key with both shapes, and changes nothing', async () => {
    const m = buildModel(modelConfig('yolov5n'), { nc: 3 });
    const sd = await m.stateDict();
    const before = Array.from(sd.get('model.0.conv.weight')!.data.slice(0, 5));
    const missing = new Map(sd);
    missing.delete('model.2.m.0.cv2.bn.running_var');
    expect(() => m.loadStateDict(missing, 'w.pt')).toThrowError(/w\.pt: missing key 'model\.2\.m\.0\.cv2\.bn\.running_var' \(expected shape \[16\]\)/);
    const wrong = new Map(sd);
    wrong.set('model.0.conv.weight', { data: new Float32Array(16 * 3 * 3 * 3), shape: [16, 3, 3, 3] });
    expect(() => m.loadStateDict(wrong, 'w.pt')).toThrowError(ShapeError);
    expect(() => m.loadStateDict(wrong, 'w.pt')).toThrowError(/key 'model\.0\.conv\.weight' has shape \[16,3,3,3\] but the model expects \[16,3,6,6\]/);
    const after = await m.stateDict();
    expect(Array.from(after.get('model.0.conv.weight')!.data.slice(0, 5))).toEqual(before);
    m.dispose();
  });

  it('summary parameter count equals the built model\'s', () => {
    const m = buildModel(modelConfig('yolov5n'), { nc: 7 });
    expect(summarize(m.resolved, 'x').parameters).toBe(m.parameterCount());
    m.dispose();
  });
});
