// The Model panel's custom yaml as the worker checks it: upstream's summary numbers with the dataset's nc, the
// parser's errors with their lines, and the architecture a run is then built from.
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useBackend } from '../../test/backend';
import { ModelConfigError } from '../core/errors';
import { buildModel, modelConfig, type ModelConfig, type ModelName } from '../core/model';
import type { TrainConfig } from '../protocol/messages';
import { checkModelYaml, ncOverrideLine, trainModelConfig } from './modelYaml';

/** A built-in size written out as a model yaml (block style: the parser must not care), optionally edited first. */
function yamlOf(size: ModelName, edit?: (cfg: ModelConfig) => void): string {
  const { name: _name, ...cfg } = modelConfig(size);
  edit?.(cfg);
  return stringify(cfg);
}

const config = (over: Partial<TrainConfig>): TrainConfig =>
  ({ model: 'yolov5s', hyp: {}, hypPreset: 'scratch-low', options: {}, ...over }) as TrainConfig;

beforeAll(async () => {
  await useBackend('cpu');
});

describe('checkModelYaml', () => {
  it("a pasted yolov5s.yaml gets upstream's summary line numbers (214 layers, 7235389 parameters, 16.6 GFLOPs at 640)", () => {
    const c = checkModelYaml(yamlOf('yolov5s'), 'yolov5s.yaml');
    if (!c.ok) throw new Error(c.error.message);
    expect(c.summary).toMatchObject({ name: 'YOLOv5s', yamlNc: 80, nc: 80, rows: 25, layers: 214, parameters: 7235389, imgsz: 640, strides: [8, 16, 32] });
    expect(c.summary.gflops.toFixed(1)).toBe('16.6');
  });

  it("the dataset's nc replaces the yaml's, as `yolo-studio info --nc 3 --img 320` (upstream: 1767976 parameters, 1.1 GFLOPs)", () => {
    const c = checkModelYaml(yamlOf('yolov5n'), 'yolov5n.yaml', 3, 320);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.summary).toMatchObject({ name: 'YOLOv5n', yamlNc: 80, nc: 3, parameters: 1767976, layers: 214, imgsz: 320 });
    expect(c.summary.gflops.toFixed(1)).toBe('1.1');
  });

  it('a changed depth_multiple: the summary counts what buildModel builds (parameters, strides)', () => {
    const text = yamlOf('yolov5n').replace('depth_multiple: 0.33', 'depth_multiple: 0.67');
    const c = checkModelYaml(text, 'deeper.yaml', 3);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.summary.name).toBe('deeper');
    expect(c.summary.depth_multiple).toBe(0.67);
    const m = buildModel(trainModelConfig(config({ cfgYaml: text, cfgName: 'deeper.yaml' }), false)!, { nc: 3 });
    try {
      expect(c.summary.parameters).toBe(m.parameterCount());
      expect(c.summary.parameters).toBeGreaterThan(1767976); // more C3 repeats than yolov5n
      expect(c.summary.strides).toEqual(m.stride);
    } finally {
      m.dispose();
    }
  });

  it('a yaml syntax error: code yaml_syntax and the line the parser blames', () => {
    const c = checkModelYaml('nc: 80\ndepth_multiple: 0.33\nwidth_multiple: [0.25\nanchors: 3\n', 'bad.yaml');
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error.code).toBe('yaml_syntax');
    expect(c.error.name).toBe('ModelConfigError');
    expect(c.line).toBeGreaterThanOrEqual(3);
    expect(c.error.message).toMatch(new RegExp(`^bad\\.yaml:${c.line}: `));
  });

  it('a bad value and an unknown module name their key and line', () => {
    const badKey = checkModelYaml(yamlOf('yolov5n').replace('width_multiple: 0.25', 'width_multiple: wide'), 'mine.yaml');
    expect(badKey).toMatchObject({ ok: false, error: { code: 'yaml_bad_key' } });
    if (badKey.ok) return;
    const line = yamlOf('yolov5n').split('\n').findIndex((l) => l.startsWith('width_multiple')) + 1;
    expect(badKey.line).toBe(line);
    expect(badKey.error.message).toBe(`mine.yaml:${line}: 'width_multiple' must be a number, got "wide"`);

    const text = 'nc: 3\nanchors: [[10,13, 16,30, 33,23]]\nbackbone:\n  [[-1, 1, Conv, [16, 3, 2]],\n   [-1, 1, Bottleneck, [16]]]\nhead:\n  [[[1], 1, Detect, [nc, anchors]]]\n';
    const unknown = checkModelYaml(text, 'mine.yaml');
    expect(unknown).toMatchObject({ ok: false, line: 5, error: { code: 'unknown_module' } });
  });

  it('a Concat of maps at different strides is refused (buildModel would fail), naming the layer', () => {
    // Layer 16 joins the stride-8 upsample with backbone layer 6 (stride 16) instead of layer 4.
    const text = yamlOf('yolov5n', (cfg) => (cfg.head[6] = [[-1, 6], 1, 'Concat', [1]]));
    const c = checkModelYaml(text, 'mine.yaml');
    expect(c).toMatchObject({ ok: false, error: { code: 'bad_layer' } });
    if (!c.ok) expect(c.error.message).toMatch(/layer 16: Concat joins maps of different strides \(8, 16\)/);
  });
});

describe('trainModelConfig', () => {
  const text = yamlOf('yolov5n').replace('depth_multiple: 0.33', 'depth_multiple: 0.5');

  it('a custom yaml is the architecture with or without starting weights; a built-in size only from scratch', () => {
    expect(trainModelConfig(config({ cfgYaml: text, cfgName: 'mine.yaml' }), false)).toMatchObject({ name: 'mine', depth_multiple: 0.5 });
    expect(trainModelConfig(config({ cfgYaml: text, cfgName: 'mine.yaml' }), true)).toMatchObject({ name: 'mine', depth_multiple: 0.5 });
    expect(trainModelConfig(config({ model: 'yolov5m' }), false)).toMatchObject({ name: 'yolov5m', depth_multiple: 0.67 });
    expect(trainModelConfig(config({ model: 'yolov5m' }), true)).toBeUndefined();
  });

  it('a bad custom yaml throws ModelConfigError naming the file and line', () => {
    const bad = config({ cfgYaml: 'nc: 80\ndepth_multiple: x\n', cfgName: 'mine' });
    expect(() => trainModelConfig(bad, false)).toThrowError(ModelConfigError);
    expect(() => trainModelConfig(bad, false)).toThrowError(/^mine\.yaml:2: 'depth_multiple' must be a number/);
  });

  it("logs upstream's override line only when the nc differs", () => {
    expect(ncOverrideLine(modelConfig('yolov5n'), 3)).toBe('Overriding model.yaml nc=80 with nc=3');
    expect(ncOverrideLine(modelConfig('yolov5n'), 80)).toBeNull();
    expect(ncOverrideLine(undefined, 3)).toBeNull();
  });
});
