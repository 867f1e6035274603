// Pure helpers of the Model panel's custom-yaml editor: a built-in size written as an upstream-format yaml to start
// editing from, and what an unchecked or invalid yaml means for the Train button.
import { modelConfig, type LayerRow, type ModelName } from '../../../core/model/configs';
import type { ConfigSlice, CustomModel } from '../../store/types';
import type { SettingProblem } from '../../validation';

/** Names upstream's parse_model evaluates, written bare in its yamls (the module and nc / anchors); other strings quoted. */
const BARE = /^(nc|anchors|[A-Z][A-Za-z0-9]*|nn\.[A-Za-z0-9]+)$/;

/** A yaml flow value as upstream's files write it: [-1, 1, nn.Upsample, [None, 2, 'nearest']], [512, False]. */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return BARE.test(v) ? v : `'${v}'`;
  return String(v);
}

/** yolov5n.yaml etc. as upstream writes them (flow rows), from our configs: the editor's starting text. */
export function builtinYamlText(name: ModelName): string {
  const c = modelConfig(name);
  const rows = (rs: LayerRow[]) => `  [\n${rs.map((r) => `    ${flow(r)}`).join(',\n')},\n  ]`;
  return [
    `# ${name}.yaml of YOLOv5 v7.0: edit the multiples, anchors or rows (nc is replaced by the dataset's)`,
    `nc: ${c.nc}  # number of classes`,
    `depth_multiple: ${c.depth_multiple}  # model depth multiple`,
    `width_multiple: ${c.width_multiple}  # layer channel multiple`,
    'anchors:',
    ...(c.anchors as number[][]).map((lvl) => `  - ${flow(lvl)}`),
    '',
    '# [from, number, module, args]',
    'backbone:',
    rows(c.backbone),
    '',
    'head:',
    rows(c.head),
    '',
  ].join('\n');
}

/** A custom yaml blocks Train until the worker has checked this very text and found it buildable. */
export function customModelProblems(custom: CustomModel | null, check: ConfigSlice['modelCheck']): SettingProblem[] {
  if (!custom) return [];
  if (!custom.text.trim()) return [{ key: 'cfg', level: 'error', text: 'The custom model yaml is empty: paste one or pick a .yaml file.' }];
  if (!check || check.text !== custom.text) return [{ key: 'cfg', level: 'error', text: 'Checking the custom model yaml…' }];
  if (!check.check.ok) return [{ key: 'cfg', level: 'error', text: `Model yaml: ${check.check.error.message}` }];
  return [];
}
