import { describe, expect, it } from 'vitest';
import { HypError } from './errors';
import { EVOLVE_KEYS, EVOLVE_META } from './evolveMeta';
import { formatHypLog, HYP_KEYS, HYP_PRESET_NAMES, hypPreset, pyFloatRepr } from './hyps';
import { parseHypYaml, resolveHyp, validateHyp, writeHypYaml } from './hypYaml';

// hyp.scratch-low.yaml as upstream v7.0 ships it (header comments, a commented-out key, trailing comments).
const SCRATCH_LOW_YAML = `# YOLOv5 🚀 by Ultralytics, GPL-3.0 license
# Hyperparameters for low-augmentation COCO training from scratch

lr0: 0.01  # initial learning rate (SGD=1E-2, Adam=1E-3)
lrf: 0.01  # final OneCycleLR learning rate (lr0 * lrf)
momentum: 0.937  # SGD momentum/Adam beta1
weight_decay: 0.0005  # optimizer weight decay 5e-4
warmup_epochs: 3.0  # warmup epochs (fractions ok)
warmup_momentum: 0.8  # warmup initial momentum
warmup_bias_lr: 0.1  # warmup initial bias lr
box: 0.05  # box loss gain
cls: 0.5  # cls loss gain
cls_pw: 1.0  # cls BCELoss positive_weight
obj: 1.0  # obj loss gain (scale with pixels)
obj_pw: 1.0  # obj BCELoss positive_weight
iou_t: 0.20  # IoU training threshold
anchor_t: 4.0  # anchor-multiple threshold
# anchors: 3  # anchors per output layer (0 to ignore)
fl_gamma: 0.0  # focal loss gamma (efficientDet default gamma=1.5)
hsv_h: 0.015  # image HSV-Hue augmentation (fraction)
hsv_s: 0.7  # image HSV-Saturation augmentation (fraction)
hsv_v: 0.4  # image HSV-Value augmentation (fraction)
degrees: 0.0  # image rotation (+/- deg)
translate: 0.1  # image translation (+/- fraction)
scale: 0.5  # image scale (+/- gain)
shear: 0.0  # image shear (+/- deg)
perspective: 0.0  # image perspective (+/- fraction), range 0-0.001
flipud: 0.0  # image flip up-down (probability)
fliplr: 0.5  # image flip left-right (probability)
mosaic: 1.0  # image mosaic (probability)
mixup: 0.0  # image mixup (probability)
copy_paste: 0.0  # segment copy-paste (probability)
`;

/** yaml_save(hyp.yaml) of scratch-low: yaml.safe_dump(sort_keys=False). */
const SCRATCH_LOW_DUMP = 'lr0: 0.01\nlrf: 0.01\nmomentum: 0.937\nweight_decay: 0.0005\nwarmup_epochs: 3.0\nwarmup_momentum: 0.8\n'
  + 'warmup_bias_lr: 0.1\nbox: 0.05\ncls: 0.5\ncls_pw: 1.0\nobj: 1.0\nobj_pw: 1.0\niou_t: 0.2\nanchor_t: 4.0\nfl_gamma: 0.0\n'
  + 'hsv_h: 0.015\nhsv_s: 0.7\nhsv_v: 0.4\ndegrees: 0.0\ntranslate: 0.1\nscale: 0.5\nshear: 0.0\nperspective: 0.0\n'
  + 'flipud: 0.0\nfliplr: 0.5\nmosaic: 1.0\nmixup: 0.0\ncopy_paste: 0.0\n';

function errorOf(fn: () => unknown): HypError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HypError);
    return e as HypError;
  }
  throw new Error('expected a HypError');
}

describe('hyp presets', () => {
  it('scratch-low is the upstream yaml', () => {
    expect(parseHypYaml(SCRATCH_LOW_YAML, 'hyp.scratch-low.yaml')).toEqual(hypPreset('scratch-low'));
  });

  it('med differs from low where upstream differs; high = med + copy_paste 0.1', () => {
    const low = hypPreset('scratch-low');
    const med = hypPreset('scratch-med');
    const high = hypPreset('scratch-high');
    const diff = (a: object, b: object) => HYP_KEYS.filter((k) => (a as Record<string, number>)[k] !== (b as Record<string, number>)[k]);
    expect(diff(low, med)).toEqual(['lrf', 'cls', 'obj', 'scale', 'mixup']);
    expect([med.lrf, med.cls, med.obj, med.scale, med.mixup]).toEqual([0.1, 0.3, 0.7, 0.9, 0.1]);
    expect(diff(med, high)).toEqual(['copy_paste']);
    expect(high.copy_paste).toBe(0.1);
  });

  it('presets are copies: mutating one does not change the next', () => {
    const a = hypPreset('scratch-low');
    a.weight_decay *= 2;
    expect(hypPreset('scratch-low').weight_decay).toBe(0.0005);
  });

  it('every preset passes validation and lies inside the evolve limits', () => {
    for (const name of HYP_PRESET_NAMES) {
      const h = hypPreset(name);
      expect(validateHyp({ ...h })).toEqual(h);
      for (const k of EVOLVE_KEYS) {
        if (h[k] === undefined) continue;
        expect(h[k]!, `${name}.${k}`).toBeGreaterThanOrEqual(EVOLVE_META[k].lower);
        expect(h[k]!, `${name}.${k}`).toBeLessThanOrEqual(EVOLVE_META[k].upper);
      }
    }
  });

  it('evolve meta covers every hyp key with upstream gains', () => {
    expect(EVOLVE_KEYS).toEqual([...HYP_KEYS]);
    expect(EVOLVE_META.momentum).toEqual({ gain: 0.3, lower: 0.6, upper: 0.98 });
    expect(EVOLVE_META.anchors).toEqual({ gain: 2, lower: 2.0, upper: 10.0 });
    expect(EVOLVE_KEYS.filter((k) => EVOLVE_META[k].gain === 0)).toEqual(['iou_t', 'fl_gamma', 'perspective', 'fliplr']);
  });

  it('logs as upstream: "hyperparameters: lr0=0.01, ..., warmup_epochs=3.0, ..."', () => {
    const line = formatHypLog(hypPreset('scratch-low'));
    expect(line.startsWith('hyperparameters: lr0=0.01, lrf=0.01, momentum=0.937, weight_decay=0.0005, warmup_epochs=3.0,')).toBe(true);
    expect(line.endsWith('mixup=0.0, copy_paste=0.0')).toBe(true);
  });

  it('Python float repr', () => {
    expect([3, 0.0005, 1e-5, 5e-5, 0.0001, 1e16, 1.5e-7, 0.2, -0.0].map(pyFloatRepr))
      .toEqual(['3.0', '0.0005', '1e-05', '5e-05', '0.0001', '1e+16', '1.5e-07', '0.2', '-0.0']);
  });
});

describe('hyp.yaml reader/writer', () => {
  it('writes what upstream yaml_save writes, and reads it back', () => {
    const text = writeHypYaml(hypPreset('scratch-low'));
    expect(text).toBe(SCRATCH_LOW_DUMP);
    expect(parseHypYaml(text)).toEqual(hypPreset('scratch-low'));
    const withComments = writeHypYaml(hypPreset('scratch-low'), { comments: true });
    expect(withComments.split('\n')[0]).toBe('lr0: 0.01  # initial learning rate (SGD=1E-2, Adam=1E-3)');
    expect(parseHypYaml(withComments)).toEqual(hypPreset('scratch-low'));
  });

  it('keeps an evolved anchors value and writes tiny floats as PyYAML does', () => {
    const h = { ...hypPreset('scratch-low'), anchors: 3.4567, lr0: 1e-5 };
    const text = writeHypYaml(h);
    expect(text).toContain('lr0: 1.0e-05\n');
    expect(text).toContain('anchor_t: 4.0\nanchors: 3.4567\nfl_gamma');
    expect(parseHypYaml(text)).toEqual(h);
    expect(writeHypYaml({ ...h, anchors: 3 })).toContain('anchors: 3\n');
  });

  it('unknown key: names file and line', () => {
    const text = SCRATCH_LOW_YAML.replace('box: 0.05', 'boxx: 0.05');
    const e = errorOf(() => parseHypYaml(text, 'my/hyp.yaml'));
    expect([e.code, e.file, e.line]).toEqual(['unknown_key', 'my/hyp.yaml', 11]);
    expect(e.message).toBe("my/hyp.yaml:11: unknown hyperparameter 'boxx'");
  });

  it('bad values: negative lr, strings, NaN, out-of-range probabilities, with lines', () => {
    const bad = (from: string, to: string) => errorOf(() => parseHypYaml(SCRATCH_LOW_YAML.replace(from, to), 'h.yaml'));
    let e = bad('lr0: 0.01', 'lr0: -0.01');
    expect([e.code, e.line]).toEqual(['bad_value', 4]);
    expect(e.message).toContain("'lr0' must be > 0, got -0.01");
    e = bad('momentum: 0.937', 'momentum: fast');
    expect([e.code, e.line, e.message]).toEqual(['bad_value', 6, 'h.yaml:6: hyperparameter \'momentum\' must be a number, got "fast"']);
    expect(bad('obj: 1.0', 'obj: .nan').message).toContain('must be finite');
    expect(bad('fliplr: 0.5', 'fliplr: 1.5').message).toContain("'fliplr' must be >= 0 and <= 1, got 1.5");
    expect(bad('anchor_t: 4.0', 'anchor_t: 0.5').code).toBe('bad_value');
    expect(bad('scale: 0.5', 'scale: 1.0').message).toContain('< 1');
  });

  it('missing key, syntax error, not a mapping', () => {
    const missing = errorOf(() => parseHypYaml(SCRATCH_LOW_YAML.replace(/^mixup:.*\n/m, ''), 'h.yaml'));
    expect([missing.code, missing.message]).toEqual(['missing_key', "h.yaml: missing hyperparameter 'mixup'"]);
    const syntax = errorOf(() => parseHypYaml('lr0: 0.01\nlrf: [0.1\nmomentum: 0.9\n', 'h.yaml'));
    expect([syntax.code, syntax.file]).toEqual(['yaml_syntax', 'h.yaml']);
    expect(syntax.line).toBeGreaterThanOrEqual(2);
    const dup = errorOf(() => parseHypYaml(SCRATCH_LOW_YAML + 'lr0: 0.02\n', 'h.yaml'));
    expect(dup.code).toBe('yaml_syntax');
    expect(errorOf(() => parseHypYaml('- 1\n- 2\n', 'h.yaml')).code).toBe('not_a_mapping');
  });

  it('validateHyp checks objects (checkpoint opt.hyp, UI) the same way', () => {
    expect(errorOf(() => validateHyp({ ...hypPreset('scratch-low'), lr0: -1 }, 'last.pt')).message).toBe("last.pt: hyperparameter 'lr0' must be > 0, got -1");
    expect(errorOf(() => validateHyp({ ...hypPreset('scratch-low'), foo: 1 })).code).toBe('unknown_key');
  });

  it('resolveHyp: preset names, yaml paths through a reader, anything else refused', () => {
    expect(resolveHyp('scratch-med')).toEqual(hypPreset('scratch-med'));
    expect(resolveHyp('runs/hyp.yaml', (p) => (p === 'runs/hyp.yaml' ? SCRATCH_LOW_DUMP : ''))).toEqual(hypPreset('scratch-low'));
    expect(errorOf(() => resolveHyp('scratch-mid')).code).toBe('unknown_preset');
    expect(errorOf(() => resolveHyp('x.yaml')).code).toBe('unknown_preset');
  });
});
