// What the next run trains: model, starting weights, hyperparameters (a preset plus the user's edits) and the
// train options. Persisted in localStorage (store/index.ts), except the starting weights (a dropped .pt is a File;
// a stored checkpoint may be deleted meanwhile).
import { hypPreset, isHypPresetName, type Hyp } from '../../core/config/hyps';
import type { StudioOptions } from '../../protocol/messages';
import type { ConfigSlice, Slice } from './types';

/** A newcomer's first run: small and quick on a laptop without a GPU (upstream's defaults are 100 epochs at 640). */
export const DEFAULT_OPTIONS: StudioOptions = {
  epochs: 10,
  batch_size: 8,
  imgsz: 128,
  optimizer: 'SGD',
  cos_lr: false,
  rect: false,
  multi_scale: false,
  single_cls: false,
  label_smoothing: 0,
  patience: 100,
  save_period: -1,
  image_weights: false,
  cache: 'ram',
  seed: 0,
  noval: false,
  noautoanchor: false,
  freeze: [0],
};

export const DEFAULT_PRESET = 'scratch-low';

export const createConfigSlice: Slice<ConfigSlice> = (set, get) => ({
  model: 'yolov5n',
  weights: null,
  storedWeights: null,
  customModel: null,
  modelCheck: null,
  hypPreset: DEFAULT_PRESET,
  hyp: hypPreset(DEFAULT_PRESET),
  options: { ...DEFAULT_OPTIONS },
  setModel: (model) => set({ model }),
  setWeights: (weights) => set(weights ? { weights, storedWeights: null } : { weights }),
  setStoredWeights: (storedWeights) => set(storedWeights ? { storedWeights, weights: null } : { storedWeights }),
  setCustomModel: (customModel) => {
    const old = get().customModel;
    set(customModel?.text === old?.text ? { customModel } : { customModel, modelCheck: null });
  },
  setModelCheck: (text, check) => {
    if (get().customModel?.text === text) set({ modelCheck: { text, check } });
  },
  setHyp: (key, value) => {
    const hyp: Hyp = { ...get().hyp };
    if (value === undefined) delete hyp[key];
    else hyp[key] = value;
    set({ hyp });
  },
  applyPreset: (name) => {
    if (!isHypPresetName(name)) return;
    set({ hypPreset: name, hyp: hypPreset(name) });
  },
  importHyp: (hyp, fileName) => set({ hyp, hypPreset: fileName }),
  setOption: (key, value) => set({ options: { ...get().options, [key]: value } }),
});
