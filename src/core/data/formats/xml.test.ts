import { describe, expect, it } from 'vitest';
import { childText, descendants, parseXml } from './xml';

describe('parseXml', () => {
  it('reads elements, attributes, entities, CDATA, comments and lines', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE annotation>\n<!-- a comment with <tags> -->\n' +
        '<annotation verified="yes" note=\'a &amp; b\'>\n  <name>A &lt;b&gt; &#65;&#x42;</name>\n  <empty/>\n' +
        '  <o><name><![CDATA[x < y]]></name></o>\n  <o><name>z</name></o>\n</annotation>\n',
      'f.xml',
    );
    expect(root.name).toBe('annotation');
    expect(root.line).toBe(4);
    expect(root.attrs).toEqual({ verified: 'yes', note: 'a & b' });
    expect(childText(root, 'name')).toBe('A <b> AB');
    expect(childText(root, 'empty')).toBe('');
    const os = descendants(root, 'o');
    expect(os.map((o) => [childText(o, 'name'), o.line])).toEqual([['x < y', 7], ['z', 8]]);
    expect(descendants(root, 'name')).toHaveLength(3);
  });

  it.each([
    ['<a><b></a>', 'f.xml:1: </a> closes <b> (opened on line 1)'],
    ['<a>\n<b>', 'f.xml:2: <b> is never closed'],
    ['<a/><b/>', 'f.xml:1: a second root element <b>'],
    ['text', 'f.xml:1: text outside the root element'],
    ['<a>&nbsp;</a>', 'f.xml:1: unknown entity &nbsp;'],
    ['<a x=1></a>', 'f.xml:1: bad attributes in <a>'],
    ['<a><!-- open</a>', 'f.xml:1: unterminated comment'],
    ['', 'f.xml:1: no root element'],
  ])('refuses %j', (text, message) => {
    expect(() => parseXml(text, 'f.xml')).toThrow(message);
  });
});
