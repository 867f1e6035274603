// Origin storage usage and quota, and the persistence request, where the browser offers them (not in Node, not in
// every insecure context): undefined means "unknown", never an error.

export interface StorageEstimate {
  usage?: number;
  quota?: number;
}

interface StorageManagerLike {
  estimate?: () => Promise<StorageEstimate>;
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
}

function manager(): StorageManagerLike | undefined {
  return (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage;
}

/** Bytes used and available for this origin (navigator.storage.estimate), or undefined when unknown. */
export async function storageEstimate(): Promise<StorageEstimate | undefined> {
  const m = manager();
  if (!m?.estimate) return undefined;
  const { usage, quota } = await m.estimate();
  return { usage, quota };
}

/**
 * Asks the browser not to evict this origin's data under storage pressure (navigator.storage.persist). Resolves
 * true when granted (or already persisted), false when refused, undefined when the API is missing.
 */
export async function requestPersistentStorage(): Promise<boolean | undefined> {
  const m = manager();
  if (!m?.persist) return undefined;
  if (m.persisted && (await m.persisted())) return true;
  return m.persist();
}
