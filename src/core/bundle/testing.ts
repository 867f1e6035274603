// Test helpers (imported by *.test.ts only): read a bundle back the way a user and upstream would: unpack it,
// pull the shell commands out of its README, and parse train.py's flags as argparse does.
import { concatBytes } from '../bytes';
import { unzipToFiles } from '../data/zip';
import { normalizePath } from '../data/paths';

/** The zip's files by path. */
export async function unpack(zip: Uint8Array | AsyncIterable<Uint8Array>): Promise<Map<string, Uint8Array>> {
  const files = await unzipToFiles(zip, {}, 'bundle.zip');
  return new Map(await Promise.all(files.map(async (f) => [f.path, typeof f.bytes === 'function' ? await f.bytes() : f.bytes] as const)));
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c.slice());
  return concatBytes(parts);
}

/** The lines of the README's ```bash blocks, without comments. */
export function readmeCommands(readme: string): string[] {
  const out: string[] = [];
  for (const m of readme.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const line of m[1].split('\n')) {
      const cmd = line.replace(/\s+#.*$/, '').trim();
      if (cmd) out.push(cmd);
    }
  }
  return out;
}

/** POSIX shell words of a simple command: single quotes, no other quoting ($VAR kept as written). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      cur = (cur ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === ' ') {
      if (cur !== null) words.push(cur);
      cur = null;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== null) words.push(cur);
  return words;
}

/** train.py's flags that take values (nargs: '+' for freeze, '?' for cache/evolve/resume), the rest store_true. */
const VALUE_FLAGS: Record<string, 'one' | 'many'> = {
  weights: 'one', cfg: 'one', data: 'one', hyp: 'one', epochs: 'one', 'batch-size': 'one', imgsz: 'one', img: 'one',
  'img-size': 'one', evolve: 'one', cache: 'one', device: 'one', optimizer: 'one', project: 'one', name: 'one',
  'label-smoothing': 'one', patience: 'one', freeze: 'many', 'save-period': 'one', seed: 'one', workers: 'one',
};
const DEST: Record<string, string> = { img: 'imgsz', 'img-size': 'imgsz' };

/** The train.py arguments as argparse would store them (dest names, raw strings; booleans true). */
export function parseTrainArgs(args: string[]): Record<string, string | string[] | true> {
  const out: Record<string, string | string[] | true> = {};
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('--')) throw new Error(`unexpected word ${args[i]}`);
    const flag = args[i].slice(2);
    const dest = DEST[flag] ?? flag.replace(/-/g, '_');
    const kind = VALUE_FLAGS[flag];
    if (!kind) out[dest] = true;
    else if (kind === 'one') out[dest] = args[++i];
    else {
      const vals: string[] = [];
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) vals.push(args[++i]);
      out[dest] = vals;
    }
  }
  return out;
}

/** Where a path given to train.py (run inside <root>/yolov5) lands, relative to <root> (the unpack folder). */
export function fromYolov5(path: string): string {
  return normalizePath(`yolov5/${path}`);
}
