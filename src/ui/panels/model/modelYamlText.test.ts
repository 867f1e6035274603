// The Model panel's pure pieces: the built-in yaml the editor starts from reads back as the same architecture, a
// custom yaml blocks Train until checked and valid, and the settings become the TrainConfig / weights source a run
// and a bundle get.
import { describe, expect, it } from 'vitest';
import { hypPreset } from '../../../core/config/hyps';
import { MODEL_NAMES, modelConfig } from '../../../core/model/configs';
import { parseModelYaml } from '../../../core/model/parseYaml';
import { resolveModel } from '../../../core/model/spec';
import { DEFAULT_OPTIONS } from '../../store/configSlice';
import { currentTrainConfig, currentWeightsSource, modelLabel } from '../../store/trainConfig';
import { builtinYamlText, customModelProblems } from './modelYamlText';

describe('builtinYamlText', () => {
  for (const name of MODEL_NAMES) {
    it(`${name}.yaml written in upstream's flow style (None, False, bare module names) resolves as the built-in config`, () => {
      const text = builtinYamlText(name);
      expect(text).toContain("[-1, 1, nn.Upsample, [None, 2, 'nearest']]");
      expect(text).toContain('[[17, 20, 23], 1, Detect, [nc, anchors]]');
      const parsed = parseModelYaml(text, `${name}.yaml`);
      const builtin = modelConfig(name);
      expect({ ...parsed, backbone: [], head: [] }).toEqual({ ...builtin, backbone: [], head: [] });
      expect(resolveModel(parsed)).toEqual(resolveModel(builtin));
    });
  }
});

describe('customModelProblems', () => {
  const custom = { name: 'mine.yaml', text: 'nc: 80\n' };
  it('no custom yaml: nothing; empty, unchecked or a check of older text: an error; a failed check: its message', () => {
    expect(customModelProblems(null, null)).toEqual([]);
    expect(customModelProblems({ ...custom, text: '  \n' }, null)[0].text).toMatch(/empty/);
    expect(customModelProblems(custom, null)[0]).toMatchObject({ key: 'cfg', level: 'error', text: 'Checking the custom model yaml…' });
    const okCheck = { ok: true, summary: {} } as never;
    expect(customModelProblems(custom, { text: 'nc: 3\n', check: okCheck })).toHaveLength(1);
    expect(customModelProblems(custom, { text: custom.text, check: okCheck })).toEqual([]);
    const error = { name: 'ModelConfigError', code: 'yaml_bad_key', message: "mine.yaml:2: 'depth_multiple' must be a number" };
    expect(customModelProblems(custom, { text: custom.text, check: { ok: false, error, line: 2 } })).toEqual([
      { key: 'cfg', level: 'error', text: "Model yaml: mine.yaml:2: 'depth_multiple' must be a number" },
    ]);
  });
});

describe('currentTrainConfig with a stored checkpoint and a custom yaml', () => {
  const base = { model: 'yolov5n' as const, hyp: hypPreset('scratch-low'), hypPreset: 'scratch-low', options: DEFAULT_OPTIONS, weights: null, storedWeights: null, customModel: null };
  const stored = { runId: 'run-a', entryId: 'epoch-4', runName: 'exp1 · yolov5n · sample' };

  it('records the stored file name and where it came from, and the yaml with a .yaml name', () => {
    const s = { ...base, storedWeights: stored, customModel: { name: 'mine', text: 'nc: 80\n' } };
    expect(currentTrainConfig(s)).toMatchObject({ weightsName: 'epoch4.pt', weightsFrom: stored, cfgYaml: 'nc: 80\n', cfgName: 'mine.yaml' });
    expect(currentWeightsSource(s)).toEqual({ weightsRef: { runId: 'run-a', entryId: 'epoch-4' } });
    expect(modelLabel(s)).toBe('mine.yaml + epoch4.pt of exp1');
  });

  it('a dropped file wins over a stored checkpoint; neither: scratch with the size', () => {
    const file = new File([new Uint8Array(1)], 'yolov5s.pt');
    const s = { ...base, weights: file, storedWeights: stored };
    expect(currentTrainConfig(s)).toEqual({ model: 'yolov5n', hyp: base.hyp, hypPreset: 'scratch-low', options: DEFAULT_OPTIONS, weightsName: 'yolov5s.pt' });
    expect(currentWeightsSource(s)).toEqual({ weights: file });
    expect(currentWeightsSource(base)).toEqual({});
    expect(modelLabel(base)).toBe('yolov5n');
  });
});
