// The few YAML forms upstream's files are made of, written as PyYAML's safe_dump writes them (block style,
// sort_keys=False): plain strings where PyYAML leaves them plain, single quotes where it must quote, floats as
// Python's repr, `key:` then `- item` for lists (no indent), nested mappings indented by two spaces.
import { pyFloatRepr } from '../config/hyps';

/** A float as PyYAML writes it: repr(), '.0' put before an exponent without a '.', .nan / .inf spelled its way. */
export function yamlFloat(v: number): string {
  if (Number.isNaN(v)) return '.nan';
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  const s = pyFloatRepr(v);
  return !s.includes('.') && s.includes('e') ? s.replace('e', '.0e') : s;
}

// Words YAML 1.1 (PyYAML) or 1.2 (the `yaml` package) reads as booleans or null.
const SPECIAL_WORDS = /^(y|n|yes|no|on|off|true|false|null|~)$/i;
// Anything a YAML reader might take for a number, a date or a sexagesimal: quote it.
const NUMBER_LIKE = /^[-+]?(\.?\d|\.(inf|nan)$|0[box])|^\d{4}-\d\d?-\d\d?/i;
// Characters that keep a plain scalar plain in both readers when none of the above applies.
const PLAIN = /^[A-Za-z0-9_./(][A-Za-z0-9_./() +,-]*$/;

/**
 * A string scalar. Plain when it cannot be read as anything else; otherwise single-quoted (PyYAML's choice), or
 * double-quoted with JSON escapes when it holds characters single quotes cannot carry (newlines, control codes).
 */
export function yamlString(s: string): string {
  const plain = s !== '' && PLAIN.test(s) && !s.endsWith(' ') && !SPECIAL_WORDS.test(s) && !NUMBER_LIKE.test(s);
  if (plain) return s;
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(s)) return JSON.stringify(s);
  return `'${s.replace(/'/g, "''")}'`;
}

/** A value of an upstream opt / data dict: string, integer, float (typed by the caller), bool, null or int list. */
export type YamlScalar = string | number | boolean | null;

export interface YamlFloat {
  float: number;
}

/** Marks a number PyYAML would print as a float (a Python float such as label_smoothing 0.0). */
export const asFloat = (float: number): YamlFloat => ({ float });

export function yamlScalar(v: YamlScalar | YamlFloat): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : yamlFloat(v);
  if (typeof v === 'object') return yamlFloat(v.float);
  return yamlString(v);
}

/** Indents every non-empty line of a block by two spaces (a nested mapping). */
export function indentBlock(text: string): string {
  return text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
}
