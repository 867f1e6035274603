// The modules a model yaml may name, as data: how each resolves its channels (upstream's parse_model rules) and
// the class path upstream prints and pickles for it.

export type ModuleKind = 'Conv' | 'C3' | 'SPPF' | 'Upsample' | 'Concat' | 'Detect';

export interface ModuleInfo {
  kind: ModuleKind;
  /** Upstream's fully-qualified class, as in the summary table and in pickled checkpoints. */
  torchClass: string;
}

export const MODULES: Record<string, ModuleInfo> = {
  Conv: { kind: 'Conv', torchClass: 'models.common.Conv' },
  C3: { kind: 'C3', torchClass: 'models.common.C3' },
  SPPF: { kind: 'SPPF', torchClass: 'models.common.SPPF' },
  'nn.Upsample': { kind: 'Upsample', torchClass: 'torch.nn.modules.upsampling.Upsample' },
  Concat: { kind: 'Concat', torchClass: 'models.common.Concat' },
  Detect: { kind: 'Detect', torchClass: 'models.yolo.Detect' },
};
