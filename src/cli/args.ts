// A small argv parser with upstream's flag names (`--img`, `--batch-size`, `--conf-thres`): `--key value`,
// `--key=value` and bare boolean `--flag`. Unknown flags are errors, so a typo never runs with a default.
import { YoloError } from '../core/errors';

export type FlagType = 'string' | 'number' | 'int' | 'boolean';
export type FlagSpec = Record<string, { type: FlagType; default?: string | number | boolean; help: string }>;
export type Flags = Record<string, string | number | boolean | undefined>;

export class UsageError extends YoloError {
  constructor(message: string) {
    super('usage', message);
  }
}

export function parseFlags(argv: string[], spec: FlagSpec): Flags {
  const out: Flags = {};
  for (const [k, s] of Object.entries(spec)) out[camel(k)] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq < 0 ? undefined : eq).replace(/_/g, '-');
    const s = spec[key];
    if (!s) throw new UsageError(`unknown option --${key} (options: ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
    if (s.type === 'boolean' && eq < 0) {
      out[camel(key)] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`--${key} needs a value`);
    out[camel(key)] = convert(key, s.type, raw);
  }
  return out;
}

function convert(key: string, type: FlagType, raw: string): string | number | boolean {
  if (type === 'string') return raw;
  if (type === 'boolean') {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    throw new UsageError(`--${key} expects true or false, got '${raw}'`);
  }
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (type === 'int' && !Number.isInteger(v))) {
    throw new UsageError(`--${key} expects ${type === 'int' ? 'an integer' : 'a number'}, got '${raw}'`);
  }
  return v;
}

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function helpText(command: string, summary: string, spec: FlagSpec): string {
  const lines = [`usage: yolo-studio ${command} [options]`, '', summary, '', 'options:'];
  for (const [k, s] of Object.entries(spec)) {
    const d = s.default === undefined ? '' : ` (default ${s.default})`;
    lines.push(`  --${k.padEnd(14)} ${s.help}${d}`);
  }
  return lines.join('\n');
}
