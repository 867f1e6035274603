// Dropped zips on fake-indexeddb: coco128 zipped in the test imports exactly as the same files dropped as a folder;
// the archive streams into storage (what is pulled from the zip but not yet durably staged stays about one entry);
// and a zip that fails halfway (corrupt entry, a limit, zip slip, a bomb, cancel) leaves the store byte-identical.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { zipSync, type ZipOptions, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeImage, readImageInfo } from '../../test/nodeData';
import type { DroppedFile } from '../protocol/messages';
import { getManifest, importDataset, listDatasets, readImage, type DatasetManifest, type ImageRef, type StudioDb } from '../storage';
import { datasetPrefix, PENDING_PREFIX } from '../storage/keys';
import { freshDb, items, keysWithPrefix, recordingStore, snapshot } from '../storage/testing';
import { importDropped, type DropImportOptions } from './importDrop';

const COCO128 = resolve(process.cwd(), '../shared/datasets/coco128');
const CHUNK = 64 * 1024;

/** Every file of coco128 as [path under 'coco128/', bytes], in a stable order. */
function coco128(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.cache')) out.push([`coco128/${relative(COCO128, p)}`, new Uint8Array(readFileSync(p))]);
    }
  };
  walk(COCO128);
  return out;
}
const FILES = coco128();
const onDisk = new Map(FILES);

/** A JPEG signature followed by noise: sniffed as a JPEG, not decodable. */
const CORRUPT_JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 500 }, (_, i) => (i * 37) % 251), 0xff, 0xd9]);

type Entry = Uint8Array | [Uint8Array, ZipOptions];

/** Entries stored (level 0) unless given with their own options, in the order given. */
function zipOf(entries: [string, Entry][]): Uint8Array {
  return zipSync(Object.fromEntries(entries) as Zippable, { level: 0 });
}

/** A dropped zip whose stream hands out 64 KiB chunks, reporting how many bytes have been pulled so far. */
function zipDrop(name: string, data: Uint8Array, onPull: (pulled: number) => void = () => undefined): DroppedFile {
  let at = 0;
  const file = {
    name,
    size: data.length,
    stream: () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (at >= data.length) return c.close();
          c.enqueue(data.slice(at, at + CHUNK));
          at += CHUNK;
          onPull(Math.min(at, data.length));
        },
      }, { highWaterMark: 0 }),
  };
  return { path: name, file: file as unknown as File };
}

const OPTS: DropImportOptions = {
  readInfo: (bytes, file) => readImageInfo(bytes, file),
  decodeCheck: async (bytes, file) => void (await decodeImage(bytes, file)),
};
const quiet = (): void => undefined;
const run = (db: StudioDb, files: DroppedFile[], opts: DropImportOptions = OPTS, signal = new AbortController().signal) =>
  importDropped(db, files, quiet, signal, opts);

/** What the manifest says about each image, without the storage keys (they differ between import paths). */
const shape = (m: DatasetManifest) => {
  const strip = (r: ImageRef) => ({ path: r.path, width: r.width, height: r.height, labels: r.labels, size: r.size, type: r.type });
  return { names: m.names, train: m.splits.train.map(strip), val: m.splits.val.map(strip), test: m.splits.test?.map(strip) };
};

describe('importDropped: a zip', () => {
  it('coco128 zip streams into storage and stores what the folder drop stores, each image once', async () => {
    const extra: [string, Uint8Array][] = [
      ['coco128/images/train2017/zz_corrupt.jpg', CORRUPT_JPEG],
      ['coco128/labels/train2017/zz_corrupt.txt', new TextEncoder().encode('0 0.5 0.5 0.1 0.1\n')],
      ['coco128/README.md', new TextEncoder().encode('# not part of the dataset\n')],
      ['__MACOSX/coco128/._data.yaml', new Uint8Array([0, 5, 22, 7])],
    ];
    const all = [...FILES, ...extra];
    const zip = zipOf(all);
    const { db, reopen } = freshDb();

    // Instrumentation: bytes pulled from the archive vs. bytes of entries durably staged in IndexedDB.
    let pulled = 0;
    let staged = 0;
    let maxHeld = 0;
    let stagedAtTenth = -1;
    const rec = reopen({
      kv: recordingStore(db.kv, (puts) => {
        for (const [k, size] of puts) if (/:image:s\d+$/.test(k)) staged += size;
      }),
    });
    const drop = zipDrop('coco128.zip', zip, (n) => {
      pulled = n;
      maxHeld = Math.max(maxHeld, pulled - staged);
      if (stagedAtTenth < 0 && pulled >= zip.length / 10) stagedAtTenth = staged;
    });
    const phases = new Set<string>();
    const summary = await importDropped(rec, [drop], (phase) => phases.add(phase), new AbortController().signal, OPTS);

    // Streaming: entries reach IndexedDB while the archive is still being read, and what is held in between (pulled
    // but not yet staged) never exceeds one chunk + the largest entry + one staging batch (1 MiB) + the entries not
    // staged (label/yaml text, kept as metadata; macOS junk, skipped) + the zip's own headers: a fraction of the archive.
    const sizes = all.map(([, b]) => b.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    const notStaged = all.filter(([p]) => /\.(txt|yaml)$/.test(p) || p.startsWith('__MACOSX/')).reduce((n, [, b]) => n + b.length, 0);
    const bound = CHUNK + Math.max(...sizes) + 2 ** 20 + notStaged + (zip.length - total);
    expect(stagedAtTenth).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(zip.length / 8);
    expect(staged).toBe(total - notStaged); // every other entry (images, README.md) staged exactly once
    expect([...phases]).toEqual(['reading', 'verifying', 'writing']);

    // The same files dropped as a folder: the same dataset.
    const folder = FILES.map(([p, b]): DroppedFile => ({ path: p, file: new File([b as Uint8Array<ArrayBuffer>], basename(p)) }));
    const fromFolder = await run(db, [...folder, ...extra.slice(0, 2).map(([p, b]) => ({ path: p, file: new File([b as Uint8Array<ArrayBuffer>], basename(p)) }))]);
    expect(summary.name).toBe('coco128');
    expect(summary.images).toEqual({ train: 128, val: 128, test: 0 });
    const dropped = summary.problems.filter((q) => q.action === 'dropped');
    expect(dropped.map((q) => [q.split, q.file, q.code])).toEqual(['train', 'val'].map((split) => [split, '/coco128/images/train2017/zz_corrupt.jpg', 'image_corrupt']));
    expect({ ...summary, datasetId: '' }).toEqual({ ...fromFolder, datasetId: '' });
    const m = await getManifest(db, summary.datasetId);
    expect(shape(m)).toEqual(shape(await getManifest(db, fromFolder.datasetId)));

    // Stored bytes are the files' bytes; train and val (the same 128 images) share one stored Blob each; the corrupt
    // image, labels and README are gone, and no pending marker is left.
    const refs = [...m.splits.train, ...m.splits.val];
    const keys = new Set(refs.map((r) => r.key));
    expect(keys.size).toBe(128);
    const listed = (await listDatasets(db)).find((d) => d.id === m.id)!;
    expect(listed.bytes).toBe(m.splits.train.reduce((n, r) => n + r.size, 0)); // shared Blobs counted once
    for (const ref of m.splits.train) {
      const stored = new Uint8Array(await (await readImage(db, m.id, ref.key)).arrayBuffer());
      expect(Buffer.from(stored).equals(Buffer.from(onDisk.get(ref.path.slice(1))!))).toBe(true);
    }
    const prefix = datasetPrefix(m.id);
    expect((await keysWithPrefix(db, prefix)).sort()).toEqual([`${prefix}manifest`, ...[...keys].map((k) => `${prefix}image:${k}`)].sort());
    expect(await keysWithPrefix(db, PENDING_PREFIX)).toEqual([]);
  }, 60_000);

  /** 40 coco128 images with their labels, `bad` in the middle, 20 more after it. */
  const images = FILES.filter(([p]) => p.includes('/images/')).slice(0, 60);
  const labelOf = (p: string): [string, Uint8Array][] => {
    const l = p.replace('/images/', '/labels/').replace(/\.jpg$/, '.txt');
    return onDisk.has(l) ? [[l, onDisk.get(l)!]] : [];
  };
  const around = (bad: [string, Entry][]): [string, Entry][] => [
    ['coco128/data.yaml', onDisk.get('coco128/data.yaml')!],
    ...images.slice(0, 40).flatMap(([p, b]): [string, Uint8Array][] => [[p, b], ...labelOf(p)]),
    ...bad,
    ...images.slice(40).flatMap(([p, b]): [string, Uint8Array][] => [[p, b], ...labelOf(p)]),
  ];

  /** A deflated entry whose first block has the reserved type 3: inflating it fails. */
  function corruptEntryZip(): Uint8Array {
    const name = 'coco128/images/train2017/zz_broken.jpg';
    const zip = zipOf(around([[name, [new Uint8Array(20_000).fill(7), { level: 6 }]]]));
    const nameBytes = new TextEncoder().encode(name);
    for (let i = 0; i < zip.length - 30; i++) {
      if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 3 && zip[i + 3] === 4 && Buffer.from(zip.subarray(i + 30, i + 30 + nameBytes.length)).equals(Buffer.from(nameBytes))) {
        const data = i + 30 + nameBytes.length + (zip[i + 28] | (zip[i + 29] << 8));
        zip[data] = 0b111; // BFINAL=1, BTYPE=11 (reserved)
        return zip;
      }
    }
    throw new Error('entry not found');
  }

  it.each([
    ['a corrupt entry', () => corruptEntryZip(), {}, 'zip_corrupt', /'coco128\/images\/train2017\/zz_broken\.jpg' cannot be inflated/],
    ['the total size limit', () => zipOf(around([])), { maxTotalBytes: 4 * 2 ** 20 }, 'zip_too_large', /more than 4194304 bytes \(total limit\)/],
    ['a ../ entry (zip slip)', () => zipOf(around([['coco128/../../evil.txt', new Uint8Array([1])]])), {}, 'zip_unsafe_path', /climbs out with '\.\.'/],
    ['an absolute path', () => zipOf(around([['/etc/evil.jpg', new Uint8Array([1])]])), {}, 'zip_unsafe_path', /is an absolute path/],
    ['a zip bomb', () => zipOf(around([['coco128/images/train2017/zz_bomb.jpg', [new Uint8Array(4 * 2 ** 20), { level: 9 }]]])), {}, 'zip_ratio', /likely zip bomb/],
  ])('a zip failing halfway on %s leaves the store byte-identical, no staging behind', async (_what, make, zipLimits, code, message) => {
    const { db, reopen } = freshDb();
    await importDataset(db, items(12), { id: 'old', name: 'existing', names: ['a', 'b', 'c', 'd'] });
    const before = await snapshot(db);
    let stagedPuts = 0;
    const rec = reopen({ kv: recordingStore(db.kv, (puts) => (stagedPuts += puts.filter(([k]) => /:image:s\d+$/.test(k)).length)) });
    const err = await run(rec, [zipDrop('bad.zip', make())], { ...OPTS, zipLimits }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ZipError', code });
    expect((err as Error).message).toMatch(/^bad\.zip: /);
    expect((err as Error).message).toMatch(message);
    expect(stagedPuts).toBeGreaterThan(10); // it failed mid-stream, after entries had been staged
    expect(await snapshot(db)).toEqual(before);
  });

  it('cancelled while unpacking: import_aborted and the store byte-identical', async () => {
    const { db } = freshDb();
    await importDataset(db, items(5), { id: 'old', name: 'existing', names: ['a'] });
    const before = await snapshot(db);
    const ac = new AbortController();
    const zip = zipOf(around([]));
    const drop = zipDrop('c.zip', zip, (n) => {
      if (n > zip.length / 2) ac.abort();
    });
    await expect(run(db, [drop], OPTS, ac.signal)).rejects.toMatchObject({ name: 'StorageError', code: 'import_aborted' });
    expect(await snapshot(db)).toEqual(before);
  });

  it('a zip dropped with other files is refused before anything is read', async () => {
    const { db } = freshDb();
    const zip = zipDrop('a.zip', zipOf(around([])));
    const other: DroppedFile = { path: 'x.jpg', file: new File([new Uint8Array(3)], 'x.jpg') };
    await expect(run(db, [zip, other])).rejects.toMatchObject({ name: 'DropImportError', code: 'zip_with_files' });
    expect(await snapshot(db)).toEqual([]);
  });
});
