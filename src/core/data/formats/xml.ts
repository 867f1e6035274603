// A small XML reader for Pascal VOC annotations: elements, attributes, text, entities, comments, CDATA, with the
// line of every element so problems can point at an <object>. Not a general XML processor (no namespaces, no DTD
// entities, which VOC files do not use); no dependency and no DOMParser, so it runs in Node and in workers alike.
import { DatasetFormatError } from './types';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (all its text nodes, children's excluded), entities decoded. */
  text: string;
  /** 1-based line of the element's '<'. */
  line: number;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parses a whole document and returns its root element. Malformed input: DatasetFormatError bad_xml with the line. */
export function parseXml(text: string, file: string): XmlElement {
  let i = 0;
  let line = 1;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (msg: string, at = line): never => {
    throw new DatasetFormatError('bad_xml', msg, { file, line: at });
  };
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (text.charCodeAt(k) === 10) line++;
    i = to;
  };
  const skipPast = (end: string, what: string) => {
    const j = text.indexOf(end, i);
    if (j < 0) fail(`unterminated ${what}`);
    advance(j + end.length);
  };
  const decode = (s: string, at: number): string =>
    s.indexOf('&') < 0
      ? s
      : s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (_, ent: string) => {
          if (ent[0] === '#') return String.fromCodePoint(ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10));
          const v = ENTITIES[ent];
          return v ?? fail(`unknown entity &${ent};`, at);
        });

  while (i < text.length) {
    if (text[i] !== '<') {
      const j = text.indexOf('<', i);
      const end = j < 0 ? text.length : j;
      const chunk = text.slice(i, end);
      if (stack.length) stack[stack.length - 1].text += decode(chunk, line);
      else if (chunk.trim()) fail('text outside the root element');
      advance(end);
    } else if (text.startsWith('<?', i)) skipPast('?>', 'processing instruction');
    else if (text.startsWith('<!--', i)) skipPast('-->', 'comment');
    else if (text.startsWith('<![CDATA[', i)) {
      const j = text.indexOf(']]>', i);
      if (j < 0) fail('unterminated CDATA section');
      if (stack.length) stack[stack.length - 1].text += text.slice(i + 9, j);
      advance(j + 3);
    } else if (text.startsWith('<!', i)) skipPast('>', 'declaration');
    else if (text.startsWith('</', i)) {
      const j = text.indexOf('>', i);
      if (j < 0) fail('unterminated closing tag');
      const name = text.slice(i + 2, j).trim();
      const open = stack.pop();
      if (!open) fail(`closing tag </${name}> without an opening tag`);
      else if (open.name !== name) fail(`</${name}> closes <${open.name}> (opened on line ${open.line})`);
      advance(j + 1);
    } else {
      const startLine = line;
      const j = tagEnd(text, i);
      if (j < 0) fail('unterminated tag');
      const selfClosing = text[j - 1] === '/';
      const body = text.slice(i + 1, selfClosing ? j - 1 : j);
      const el = parseTag(body, startLine, fail, decode);
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (root) fail(`a second root element <${el.name}>`);
      else root = el;
      if (!selfClosing) stack.push(el);
      advance(j + 1);
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is never closed`, stack[stack.length - 1].line);
  if (!root) fail('no root element');
  return root!;
}

/** Index of the '>' ending the tag at `i`, skipping '>' inside quoted attribute values. */
function tagEnd(text: string, i: number): number {
  let quote = '';
  for (let k = i + 1; k < text.length; k++) {
    const c = text[k];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return k;
  }
  return -1;
}

function parseTag(
  body: string,
  line: number,
  fail: (msg: string, at?: number) => never,
  decode: (s: string, at: number) => string,
): XmlElement {
  const m = /^([A-Za-z_:][\w.:-]*)/.exec(body);
  if (!m) fail(`bad tag <${body.slice(0, 20)}>`, line);
  const el: XmlElement = { name: m![1], attrs: {}, children: [], text: '', line };
  const attr = /\s+([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/y;
  let end = m![1].length;
  attr.lastIndex = end;
  for (let a = attr.exec(body); a; a = attr.exec(body)) {
    el.attrs[a[1]] = decode(a[3] ?? a[4], line);
    end = attr.lastIndex;
  }
  if (body.slice(end).trim()) fail(`bad attributes in <${el.name}>`, line);
  return el;
}

/** The first child element called `name`. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** The trimmed text of the first child called `name` (ElementTree's find(name).text). */
export function childText(el: XmlElement, name: string): string | undefined {
  return child(el, name)?.text.trim();
}

/** Every element called `name` below `el`, in document order (ElementTree's iter(name)). */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
