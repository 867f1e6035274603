// Streaming unzip (fflate) for dropped dataset zips: entries come out one by one while the archive streams in, so a
// caller can store each file and let it go. Unsafe archives are refused: entries that would land outside the
// dataset (zip slip: '../', absolute paths, drive letters) and zip bombs (limits on entry count, per-file and total
// unpacked bytes, and compression ratio, all checked while inflating, not trusted from the headers).
import { concatBytes } from '../bytes';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { YoloError } from '../errors';
import type { InputFile } from './formats/types';

/** Codes: zip_unsafe_path, zip_too_many_files, zip_file_too_large, zip_too_large, zip_ratio, zip_corrupt, zip_unsupported. */
export class ZipError extends YoloError {}

export interface ZipLimits {
  /** Most entries (files) an archive may have. */
  maxFiles: number;
  /** Most unpacked bytes of one entry. */
  maxFileBytes: number;
  /** Most unpacked bytes of all entries together. */
  maxTotalBytes: number;
  /** Highest unpacked / packed size ratio of an entry (real images barely compress; bombs reach 1000+). */
  maxRatio: number;
  /** The ratio is only judged once an entry has unpacked this many bytes (tiny text files compress oddly). */
  ratioMinBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxFiles: 200_000,
  maxFileBytes: 512 * 2 ** 20,
  maxTotalBytes: 8 * 2 ** 30,
  maxRatio: 200,
  ratioMinBytes: 2 ** 20,
};

const TRUNCATED = 'the archive ends in the middle of an entry (truncated download?)';

export type ZipInput = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

/** An entry name as a safe relative path ('a/b.jpg'), or a ZipError for one that could escape the target folder. */
export function safeEntryPath(name: string, zipName: string): string {
  const p = name.replace(/\\/g, '/');
  const parts = p.split('/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || parts.includes('..') || p.includes('\0')) {
    throw new ZipError('zip_unsafe_path', `entry '${name}' is an absolute path or climbs out with '..' (zip slip): refusing to unpack`, { file: zipName });
  }
  return parts.filter((s) => s !== '' && s !== '.').join('/');
}

/**
 * Unpacks `input`, calling `onFile` for each file entry (folders skipped) as soon as it is complete; `onFile` may be
 * async, and the next chunk is only read after it resolves. Returns the number of files and unpacked bytes.
 */
export async function unzipStream(
  input: ZipInput,
  onFile: (path: string, bytes: Uint8Array) => void | Promise<void>,
  limits: Partial<ZipLimits> = {},
  zipName = 'zip',
): Promise<{ files: number; bytes: number }> {
  const lim = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const ready: { path: string; bytes: Uint8Array }[] = [];
  let error: ZipError | undefined;
  let entries = 0;
  let files = 0;
  let open = 0;
  let total = 0;
  let packedIn = 0;
  const fail = (code: string, message: string) => {
    error ??= new ZipError(code, message, { file: zipName });
  };

  const unzip = new Unzip((file: UnzipFile) => {
    entries++;
    if (error || file.name.endsWith('/')) return; // a folder entry; files not started are skipped unread
    let path: string;
    try {
      path = safeEntryPath(file.name, zipName);
    } catch (e) {
      error ??= e as ZipError;
      return;
    }
    if (++files > lim.maxFiles) return fail('zip_too_many_files', `more than ${lim.maxFiles} files: refusing to unpack (zip bomb?)`);
    if ((file.originalSize ?? 0) > lim.maxFileBytes) {
      return fail('zip_file_too_large', `'${path}' would unpack to ${file.originalSize} bytes, over the ${lim.maxFileBytes}-byte limit per file`);
    }
    if (file.compression !== 0 && file.compression !== 8) {
      return fail('zip_unsupported', `'${path}' uses compression method ${file.compression}; only stored and deflate are supported`);
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    open++;
    file.ondata = (err, data, final) => {
      if (error) return;
      if (err) return fail('zip_corrupt', `'${path}' cannot be inflated: ${err.message}`);
      size += data.length;
      total += data.length;
      if (size > lim.maxFileBytes) return fail('zip_file_too_large', `'${path}' unpacks to more than ${lim.maxFileBytes} bytes (limit per file)`);
      if (total > lim.maxTotalBytes) return fail('zip_too_large', `the archive unpacks to more than ${lim.maxTotalBytes} bytes (total limit)`);
      if (size >= lim.ratioMinBytes) {
        // The entry's packed size when the header gives it, else the whole archive's ratio so far.
        const ratio = file.size ? size / file.size : total / Math.max(1, packedIn);
        if (ratio > lim.maxRatio) {
          return fail('zip_ratio', `'${path}' unpacks to over ${Math.floor(ratio)}x its packed size (limit ${lim.maxRatio}x): refusing a likely zip bomb`);
        }
      }
      parts.push(file.compression === 0 ? data.slice() : data); // stored entries are views into the input chunk
      if (final) {
        open--;
        ready.push({ path, bytes: concatBytes(parts, size) });
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);

  const flush = async () => {
    if (error) throw error;
    while (ready.length) {
      const f = ready.shift()!;
      await onFile(f.path, f.bytes);
    }
  };
  let first = true;
  let tail: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunksOf(input)) {
    if (first && chunk.length) {
      first = false;
      if (chunk.length >= 2 && !(chunk[0] === 0x50 && chunk[1] === 0x4b)) throw new ZipError('zip_corrupt', 'not a zip archive (no PK signature)', { file: zipName });
    }
    packedIn += chunk.length;
    tail = keepTail(tail, chunk);
    push(unzip, chunk, false, zipName);
    await flush();
  }
  push(unzip, new Uint8Array(0), true, zipName);
  await flush();
  if (first) throw new ZipError('zip_corrupt', 'the file is empty', { file: zipName });
  if (open > 0) throw new ZipError('zip_corrupt', TRUNCATED, { file: zipName });
  if (!entries) throw new ZipError('zip_corrupt', 'no entries found: not a zip archive, or an empty one', { file: zipName });
  // Cut between two entries, the stream ends cleanly; only the missing end-of-central-directory record tells.
  if (!hasEndRecord(tail)) throw new ZipError('zip_corrupt', 'the archive is cut short (truncated download?): no end-of-central-directory record', { file: zipName });
  return { files, bytes: total };
}

/** Unpacks everything into InputFiles (for Node and tests; the browser streams into storage with unzipStream). */
export async function unzipToFiles(input: ZipInput, limits: Partial<ZipLimits> = {}, zipName = 'zip'): Promise<InputFile[]> {
  const out: InputFile[] = [];
  await unzipStream(input, (path, bytes) => void out.push({ path, bytes }), limits, zipName);
  return out;
}

function push(unzip: Unzip, chunk: Uint8Array, final: boolean, zipName: string): void {
  try {
    unzip.push(chunk, final);
  } catch (e) {
    if (e instanceof ZipError) throw e;
    // fflate's complaint at the final push is that an entry is still open: the archive was cut short
    if (final) throw new ZipError('zip_corrupt', TRUNCATED, { file: zipName });
    throw new ZipError('zip_corrupt', `cannot read the archive: ${(e as Error).message}`, { file: zipName });
  }
}

/** 1 MiB pieces of an in-memory archive (so it streams like the rest), or the chunks of a stream. */
async function* chunksOf(input: ZipInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    for (let i = 0; i < input.length; i += 2 ** 20) yield input.subarray(i, i + 2 ** 20);
  } else if (typeof (input as ReadableStream).getReader === 'function') {
    const reader = (input as ReadableStream<Uint8Array>).getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
    } finally {
      reader.releaseLock();
    }
  } else {
    for await (const c of input as AsyncIterable<Uint8Array>) yield c;
  }
}

/** The end-of-central-directory record (22 bytes + a comment of up to 65535) sits in the archive's last 65557 bytes. */
const TAIL = 22 + 0xffff;

function keepTail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
  if (chunk.length >= TAIL) return chunk.slice(chunk.length - TAIL);
  const keep = Math.min(tail.length, TAIL - chunk.length);
  const out = new Uint8Array(keep + chunk.length);
  out.set(tail.subarray(tail.length - keep));
  out.set(chunk, keep);
  return out;
}

function hasEndRecord(tail: Uint8Array): boolean {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) return true;
  }
  return false;
}

