// Origin storage usage and quota, and the persistence request, where the browser offers them (not in Node, not in
// every insecure context): undefined means "unknown", never an error.

export interface StorageEstimate {
  usage?: number;
  quota?: number;
}

export interface StorageManagerLike {
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

/** Whether this origin's storage is persistent now (navigator.storage.persisted), undefined when unknown. */
export async function storagePersisted(m: StorageManagerLike | undefined = manager()): Promise<boolean | undefined> {
  if (!m?.persisted) return undefined;
  return m.persisted();
}

/** Where the answer to the one persistence request is remembered (localStorage in the page). */
export interface PersistMemory {
  get(): string | null;
  set(value: string): void;
}

/**
 * Asks for persistent storage on the studio's first run only (a browser may show a prompt; asking on every load
 * would nag) and remembers the answer. Resolves whether storage is persistent now: the browser's current word
 * where it gives one (the user may have changed it since), else the remembered answer; undefined when unknown.
 */
export async function persistOnce(memory: PersistMemory, m: StorageManagerLike | undefined = manager()): Promise<boolean | undefined> {
  const remembered = memory.get();
  if (remembered === null && m?.persist) {
    const granted = (await storagePersisted(m)) || (await m.persist());
    memory.set(granted ? 'granted' : 'denied');
    return granted;
  }
  const now = await storagePersisted(m);
  if (now !== undefined) return now;
  return remembered === 'granted' ? true : remembered === 'denied' ? false : undefined;
}
