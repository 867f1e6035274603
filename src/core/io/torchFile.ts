/**
 * torch.save / torch.load file level: the zip archive holding `<archive>/data.pkl` and one record per
 * storage `<archive>/data/<key>`, plus `<archive>/version`. Storages are views into the input bytes.
 */
import { CheckpointError } from './errors';
import { torchContext } from './globals';
import { pickle } from './pickler';
import { DTYPE_BYTES, type PyValue, TorchStorage, type TorchDType } from './pyvalues';
import { DEFAULT_PICKLE_LIMITS, type PickleLimits, unpickle } from './unpickler';
import { readZip, writeZip } from './zip';

export interface TorchFile {
  /** top-level folder inside the zip ("archive", "best", ...) */
  archiveName: string;
  value: PyValue;
  /** every class (module) instantiated while unpickling */
  classes: Set<string>;
}

export interface LoadOptions {
  limits?: PickleLimits;
  verifyCrc?: boolean;
}

export function loadTorchFile(bytes: Uint8Array, fileName: string, opts: LoadOptions = {}): TorchFile {
  const zip = readZip(bytes, fileName, opts.verifyCrc ?? true);
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length === 0) {
    throw new CheckpointError('missing_data_pkl', `${fileName}: zip has no <archive>/data.pkl entry; not a torch.save file`);
  }
  const first = [...zip.entries.keys()][0];
  const pkl = pkls.find((n) => first.startsWith(n.slice(0, n.indexOf('/') + 1))) ?? pkls[0];
  const archiveName = pkl.slice(0, pkl.indexOf('/'));
  const prefix = `${archiveName}/`;
  const byteorder = zip.entries.has(`${prefix}byteorder`) ? new TextDecoder().decode(zip.read(`${prefix}byteorder`)) : 'little';
  if (byteorder.trim() !== 'little') {
    throw new CheckpointError('zip_unsupported', `${fileName}: storages are ${byteorder.trim()}-endian; only little-endian files are read`);
  }

  const storages = new Map<string, TorchStorage>();
  const classes = new Set<string>();
  const where = `${fileName}:${pkl}`;
  const ctx = torchContext(
    {
      where,
      loadStorage(dtype: TorchDType, key: string, numel: number): TorchStorage {
        const known = storages.get(key);
        if (known) {
          if (known.dtype !== dtype || known.numel !== numel) {
            throw new CheckpointError('storage_size', `${where}: storage ${key} is referenced as ${dtype}[${numel}] and as ${known.dtype}[${known.numel}]`);
          }
          return known;
        }
        const name = `${prefix}data/${key}`;
        const entry = zip.entries.get(name);
        if (!entry) throw new CheckpointError('missing_storage', `${fileName}: storage ${key} (${dtype}[${numel}]) has no zip entry ${name}`);
        const want = numel * DTYPE_BYTES[dtype];
        if (entry.size !== want) {
          throw new CheckpointError('storage_size', `${fileName}: storage ${key} claims ${numel} ${dtype} elements (${want} bytes) but ${name} holds ${entry.size} bytes`);
        }
        const s = new TorchStorage(dtype, numel, zip.read(name), key);
        storages.set(key, s);
        return s;
      },
    },
    classes,
  );
  const value = unpickle(zip.read(pkl), ctx, where, opts.limits ?? DEFAULT_PICKLE_LIMITS);
  return { archiveName, value, classes };
}

/** Serialises `value` as torch.save does (zip of data.pkl + storages + version). */
export function saveTorchFile(value: PyValue, archiveName = 'archive'): Uint8Array {
  const name = /^[A-Za-z0-9_.-]{1,100}$/.test(archiveName) ? archiveName : 'archive';
  const { bytes, storages } = pickle(value);
  const records = storages.map((s, i) => {
    const want = s.numel * DTYPE_BYTES[s.dtype];
    if (s.bytes.length !== want) throw new CheckpointError('write_limit', `storage ${i}: ${s.bytes.length} bytes for ${s.numel} ${s.dtype} elements`);
    return { name: `${name}/data/${i}`, data: s.bytes };
  });
  // torch writes storages sorted by key as strings ("0", "1", "10", "100", ...)
  records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return writeZip([{ name: `${name}/data.pkl`, data: bytes }, ...records, { name: `${name}/version`, data: new TextEncoder().encode('3\n') }]);
}
