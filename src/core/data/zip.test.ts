// Streaming unzip: contents, streaming with an async consumer, zip slip refused, zip bombs stopped by the limits.
import { Zip, ZipDeflate, zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { memorySource } from './formats/source';
import { safeEntryPath, unzipStream, unzipToFiles, ZipError } from './zip';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function* chunked(data: Uint8Array, size: number) {
  for (let i = 0; i < data.length; i += size) yield data.slice(i, i + size);
}

/** A zip written the streaming way (data descriptors: no sizes in the local headers). */
function streamedZip(name: string, content: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const f = new ZipDeflate(name, { level: 9 });
  zip.add(f);
  f.push(content, true);
  zip.end();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function refusal(p: Promise<unknown>): Promise<ZipError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ZipError);
  return e as ZipError;
}

describe('unzipStream', () => {
  const big = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251); // barely compressible
  const zip = zipSync({
    'ds/data.yaml': strToU8('names: [a]\n'),
    'ds/images/': {},
    'ds/images/a.bin': [big, { level: 0 }],
    'ds/labels/a.txt': strToU8('0 0.5 0.5 0.1 0.1\n'),
  });

  it('streams entries out in order, waiting for an async consumer, from small chunks', async () => {
    const seen: [string, number][] = [];
    let busy = false;
    const r = await unzipStream(chunked(zip, 997), async (path, bytes) => {
      expect(busy).toBe(false);
      busy = true;
      await new Promise((res) => setTimeout(res, 1));
      seen.push([path, bytes.length]);
      busy = false;
    });
    expect(seen).toEqual([['ds/data.yaml', 11], ['ds/images/a.bin', 300_000], ['ds/labels/a.txt', 18]]);
    expect(r).toEqual({ files: 3, bytes: 300_029 });
    const files = await unzipToFiles(zip);
    expect(Array.from(files[1].bytes as Uint8Array)).toEqual(Array.from(big));
    expect(text(files[2].bytes as Uint8Array)).toBe('0 0.5 0.5 0.1 0.1\n');
  });

  it('reads a ReadableStream and a zip written with data descriptors', async () => {
    const data = streamedZip('x/y.txt', strToU8('hello'));
    const stream = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(data.slice(0, 10)); c.enqueue(data.slice(10)); c.close(); } });
    const files = await unzipToFiles(stream);
    expect(files.map((f) => [f.path, text(f.bytes as Uint8Array)])).toEqual([['x/y.txt', 'hello']]);
  });

  it.each([
    ['../evil.txt'],
    ['ok/../../evil.txt'],
    ['/etc/passwd'],
    ['C:/Windows/evil.dll'],
    ['..\\evil.txt'],
  ])('refuses the zip-slip entry %j', async (name) => {
    const e = await refusal(unzipToFiles(zipSync({ 'fine.txt': strToU8('x'), [name]: strToU8('pwned') }), {}, 'evil.zip'));
    expect(e.code).toBe('zip_unsafe_path');
    expect(e.message).toBe(`evil.zip: entry '${name}' is an absolute path or climbs out with '..' (zip slip): refusing to unpack`);
  });

  it('turns backslashes into folders and drops "./"', () => {
    expect(safeEntryPath('dir\\sub\\a.jpg', 'z')).toBe('dir/sub/a.jpg');
    expect(safeEntryPath('./a//b.txt', 'z')).toBe('a/b.txt');
  });

  it('stops a zip bomb by its compression ratio, also without sizes in the headers', async () => {
    const zeros = new Uint8Array(4 * 2 ** 20);
    const bomb = zipSync({ 'bomb.bin': [zeros, { level: 9 }] });
    expect(bomb.length).toBeLessThan(100_000);
    const e = await refusal(unzipToFiles(bomb, {}, 'bomb.zip'));
    expect(e.code).toBe('zip_ratio');
    expect(e.message).toMatch(/^bomb\.zip: 'bomb\.bin' unpacks to over \d+x its packed size \(limit 200x\): refusing a likely zip bomb$/);
    const streamed = await refusal(unzipToFiles(streamedZip('bomb.bin', zeros), {}, 'bomb.zip'));
    expect(streamed.code).toBe('zip_ratio');
  });

  it('enforces the per-file (header and actual), total and count limits', async () => {
    const five = zipSync({ a: new Uint8Array(5000).fill(1), b: new Uint8Array(5000).fill(2), c: strToU8('c') });
    expect((await refusal(unzipToFiles(five, { maxFileBytes: 4000 }))).message).toBe(
      "zip: 'a' would unpack to 5000 bytes, over the 4000-byte limit per file",
    );
    expect((await refusal(unzipToFiles(streamedZip('a', new Uint8Array(5000)), { maxFileBytes: 4000, maxRatio: 1e9 }))).code).toBe('zip_file_too_large');
    expect((await refusal(unzipToFiles(five, { maxTotalBytes: 8000, maxRatio: 1e9 }))).message).toBe(
      'zip: the archive unpacks to more than 8000 bytes (total limit)',
    );
    expect((await refusal(unzipToFiles(five, { maxFiles: 2 }))).message).toBe('zip: more than 2 files: refusing to unpack (zip bomb?)');
  });

  it('reports a truncated archive, a non-zip and an empty file', async () => {
    expect((await refusal(unzipToFiles(zip.slice(0, 200_000), {}, 'cut.zip'))).message).toBe(
      'cut.zip: the archive ends in the middle of an entry (truncated download?)',
    );
    // cut right where the second entry starts: every entry read is whole, but the central directory is missing
    const second = zip.findIndex((b, i) => i > 0 && b === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 3 && zip[i + 3] === 4);
    expect((await refusal(unzipToFiles(zip.slice(0, second), {}, 'cut.zip'))).message).toBe(
      'cut.zip: the archive is cut short (truncated download?): no end-of-central-directory record',
    );
    expect((await refusal(unzipToFiles(strToU8('just some text'), {}, 'a.zip'))).message).toBe('a.zip: not a zip archive (no PK signature)');
    expect((await refusal(unzipToFiles(new Uint8Array(0), {}, 'e.zip'))).message).toBe('e.zip: the file is empty');
  });

  it('macOS junk (__MACOSX, .DS_Store) never reaches the dataset', async () => {
    const files = await unzipToFiles(zipSync({ 'a/x.txt': strToU8('1'), '__MACOSX/a/._x.jpg': strToU8('junk'), 'a/.DS_Store': strToU8('j') }));
    const src = await memorySource(files);
    expect(src.fs.listFiles('/')).toEqual(['/a/x.txt']);
  });
});
