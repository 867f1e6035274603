import { describe, expect, it } from 'vitest';
import { TrainOptionsError } from './errors';
import { checkImgSize, frozenLayerPrefixes, TRAIN_DEFAULTS, validateTrainOptions } from './trainOptions';

function errorOf(fn: () => unknown): TrainOptionsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrainOptionsError);
    return e as TrainOptionsError;
  }
  throw new Error('expected a TrainOptionsError');
}

describe('train options', () => {
  it('defaults are upstream parse_opt defaults', () => {
    const { options, warnings } = validateTrainOptions({});
    expect(options).toEqual(TRAIN_DEFAULTS);
    expect(warnings).toEqual([]);
    expect([options.epochs, options.batch_size, options.imgsz, options.optimizer, options.patience, options.save_period, options.seed])
      .toEqual([100, 16, 640, 'SGD', 100, -1, 0]);
    expect([options.hyp, options.freeze, options.evolve, options.cache, options.project, options.name]).toEqual(['scratch-low', [0], null, null, 'runs/train', 'exp']);
  });

  it('keeps given values and does not share the defaults\' freeze list', () => {
    const { options } = validateTrainOptions({ epochs: 3, optimizer: 'AdamW', cos_lr: true, freeze: [10], hyp: 'runs/x/hyp.yaml', resume: 'runs/x/weights/last.pt' });
    expect([options.epochs, options.optimizer, options.cos_lr, options.freeze, options.hyp, options.resume]).toEqual([3, 'AdamW', true, [10], 'runs/x/hyp.yaml', 'runs/x/weights/last.pt']);
    options.freeze.push(1);
    expect(TRAIN_DEFAULTS.freeze).toEqual([0]);
  });

  it('rounds the image size up to a multiple of max(stride, 32), at least 2 grids, with upstream\'s warning', () => {
    expect(validateTrainOptions({ imgsz: 256 }, { maxStride: 32 })).toEqual({ options: { ...TRAIN_DEFAULTS, freeze: [0], imgsz: 256 }, warnings: [] });
    const r = validateTrainOptions({ imgsz: 250 }, { maxStride: 32 });
    expect(r.options.imgsz).toBe(256);
    expect(r.warnings).toEqual(['WARNING ⚠️ --img-size 250 must be multiple of max stride 32, updating to 256']);
    expect(validateTrainOptions({ imgsz: 32 }, { maxStride: 32 }).options.imgsz).toBe(64);
    expect(validateTrainOptions({ imgsz: 700 }, { maxStride: 64 }).options.imgsz).toBe(704);
    expect(checkImgSize(641, 32)).toEqual({ size: 672, warning: 'WARNING ⚠️ --img-size 641 must be multiple of max stride 32, updating to 672' });
  });

  it('clear errors: batch 0, unknown optimizer, bad types, unknown options', () => {
    const e1 = errorOf(() => validateTrainOptions({ batch_size: 0 }));
    expect([e1.code, e1.message]).toEqual(['bad_option', 'batch_size must be >= 1, got 0']);
    const e2 = errorOf(() => validateTrainOptions({ optimizer: 'RMSProp' as 'SGD' }));
    expect([e2.code, e2.message]).toEqual(['unknown_optimizer', 'unknown optimizer "RMSProp" (choose from SGD, Adam, AdamW)']);
    expect(errorOf(() => validateTrainOptions({ epochs: 1.5 })).message).toBe('epochs must be an integer, got 1.5');
    expect(errorOf(() => validateTrainOptions({ imgsz: -640 })).message).toBe('imgsz must be >= 1, got -640');
    expect(errorOf(() => validateTrainOptions({ label_smoothing: 1 })).message).toContain('label_smoothing must be in [0, 1)');
    expect(errorOf(() => validateTrainOptions({ cache: 'gpu' as 'ram' })).message).toContain("cache must be 'ram', 'disk' or null");
    expect(errorOf(() => validateTrainOptions({ rect: 'yes' as unknown as boolean })).message).toBe('rect must be true or false, got "yes"');
    expect(errorOf(() => validateTrainOptions({ evolve: 0 })).message).toBe('evolve must be >= 1, got 0');
    expect(errorOf(() => validateTrainOptions({ hyp: 'fast' })).message).toContain("hyp 'fast' is neither a preset");
    const e3 = errorOf(() => validateTrainOptions({ batchsize: 16 } as Record<string, unknown>));
    expect([e3.code, e3.message]).toEqual(['unknown_option', "unknown train option 'batchsize'"]);
  });

  it('freeze: upstream meaning and range checks against the model', () => {
    expect(frozenLayerPrefixes([0])).toEqual([]);
    expect(frozenLayerPrefixes([3])).toEqual(['model.0.', 'model.1.', 'model.2.']);
    expect(frozenLayerPrefixes([0, 5])).toEqual(['model.0.', 'model.5.']);
    expect(validateTrainOptions({ freeze: [10] }, { layerCount: 25 }).options.freeze).toEqual([10]);
    const e = errorOf(() => validateTrainOptions({ freeze: [30] }, { layerCount: 25 }));
    expect([e.code, e.message]).toEqual(['freeze_out_of_range', 'freeze 30 asks for the first 30 layers but the model has 25']);
    expect(errorOf(() => validateTrainOptions({ freeze: [1, 25] }, { layerCount: 25 })).message).toBe('freeze lists layer 25 but the model has layers 0-24');
    expect(errorOf(() => validateTrainOptions({ freeze: [-1] })).message).toBe('freeze[0] must be >= 0, got -1');
  });
});
