// metadata_props exactly as upstream's export.py writes them: str(v) of int(max(model.stride)) and of model.names,
// which attempt_load has turned into a dict: "{0: 'person', 1: 'bicycle'}". Readers (Ultralytics'
// DetectMultiBackend, onnxruntime users) parse these with ast.literal_eval, so the Python syntax matters.

/** Python's repr() of a str: single quotes unless the text holds ' and no ", escapes as CPython writes them. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Non-printable characters (Unicode categories C* and Z* other than the space) are escaped by code point size;
    // all other text stays as is, as Python 3's repr keeps it.
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escape(c);
    else out += ch;
  }
  return out + quote;
}

const NON_PRINTABLE = /^[\p{C}\p{Z}]$/u;

function escape(c: number): string {
  const hex = c.toString(16);
  return c <= 0xff ? `\\x${hex.padStart(2, '0')}` : c <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

/** str(dict(enumerate(names))). */
export function namesRepr(names: readonly string[]): string {
  return `{${names.map((n, i) => `${i}: ${pyStrRepr(n)}`).join(', ')}}`;
}

export function exportMetadata(stride: readonly number[], names: readonly string[]): [string, string][] {
  return [['stride', String(Math.trunc(Math.max(...stride)))], ['names', namesRepr(names)]];
}
