// Reading and changing stored datasets. The list (`ys:v1:datasets`) is the source of truth for what exists; rename and
// delete change the list and the dataset's own keys in one transaction, so no reader ever sees one without the other.
import { req, transact, type StudioDb } from './db';
import { StorageError } from './errors';
import { checkId, DATASETS_INDEX, datasetPrefix, imageKey, manifestKey, prefixRange } from './keys';
import { MANIFEST_SCHEMA, type DatasetManifest, type DatasetSummary } from './types';

const MAX_NAME = 200;

/** Trims and checks a dataset or run name (non-empty, at most 200 characters). */
export function checkName(name: unknown, what: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed || trimmed.length > MAX_NAME) {
    throw new StorageError('bad_name', `${what}: name ${JSON.stringify(name)} must be 1-${MAX_NAME} characters`);
  }
  return trimmed;
}

/** The stored datasets, oldest first. Reads one key, whatever the datasets' sizes. */
export async function listDatasets(db: StudioDb): Promise<DatasetSummary[]> {
  return transact(db, 'readonly', async (store) => ((await req(store.get(DATASETS_INDEX))) as DatasetSummary[] | undefined) ?? []);
}

export async function getManifest(db: StudioDb, id: string): Promise<DatasetManifest> {
  checkId(id, 'dataset');
  const manifest = await transact(db, 'readonly', (store) => req(store.get(manifestKey(id))));
  return checkManifest(manifest, id);
}

function checkManifest(value: unknown, id: string): DatasetManifest {
  if (value === undefined) throw new StorageError('not_found', `dataset ${id} does not exist`, manifestKey(id));
  const schema = (value as { schema?: unknown }).schema;
  if (schema !== MANIFEST_SCHEMA) {
    throw new StorageError(
      'schema_unsupported',
      `dataset ${id} was stored with manifest schema ${String(schema)}; this version reads schema ${MANIFEST_SCHEMA}`,
      manifestKey(id),
    );
  }
  return value as DatasetManifest;
}

/** The original bytes of one image (ImageRef.key), as stored. */
export async function readImage(db: StudioDb, id: string, key: string): Promise<Blob> {
  checkId(id, 'dataset');
  const k = imageKey(id, key);
  const blob = await transact(db, 'readonly', (store) => req(store.get(k)));
  if (!(blob instanceof Blob)) throw new StorageError('not_found', `dataset ${id} has no image ${JSON.stringify(key)}`, k);
  return blob;
}

/** Renames a dataset (list entry and manifest together). Returns the new summary. */
export async function renameDataset(db: StudioDb, id: string, name: string): Promise<DatasetSummary> {
  checkId(id, 'dataset');
  const newName = checkName(name, `dataset ${id}`);
  return transact(db, 'readwrite', async (store) => {
    const index = ((await req(store.get(DATASETS_INDEX))) as DatasetSummary[] | undefined) ?? [];
    const at = index.findIndex((d) => d.id === id);
    if (at < 0) throw new StorageError('not_found', `dataset ${id} does not exist`, DATASETS_INDEX);
    const manifest = checkManifest(await req(store.get(manifestKey(id))), id);
    const summary = { ...index[at], name: newName };
    store.put({ ...manifest, name: newName }, manifestKey(id));
    store.put(index.map((d, i) => (i === at ? summary : d)), DATASETS_INDEX);
    return summary;
  });
}

/** Deletes a dataset: its list entry, manifest and every image, in one transaction. */
export async function deleteDataset(db: StudioDb, id: string): Promise<void> {
  checkId(id, 'dataset');
  await transact(db, 'readwrite', async (store) => {
    const index = ((await req(store.get(DATASETS_INDEX))) as DatasetSummary[] | undefined) ?? [];
    if (!index.some((d) => d.id === id)) throw new StorageError('not_found', `dataset ${id} does not exist`, DATASETS_INDEX);
    store.delete(prefixRange(datasetPrefix(id)));
    store.put(
      index.filter((d) => d.id !== id),
      DATASETS_INDEX,
    );
  });
}
