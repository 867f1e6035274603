// Errors of the storage layer. Each has a stable `code` for callers that switch on it and a message naming the
// dataset / run / key it is about. storage may import core *types* only, so these mirror core's YoloError shape
// ({name, message, code}) instead of extending it; they cross the worker boundary the same way.

/**
 * Codes: bad_id, bad_name, bad_item, empty_dataset, id_taken, not_found, schema_unsupported, import_aborted,
 * import_interrupted (the pending import was cleaned up by another tab before it could commit), bad_checkpoint,
 * protected (a checkpoint its run still needs: see checkpointProtection).
 */
export class StorageError extends Error {
  readonly code: string;
  /** The IndexedDB key the error is about, when there is one. */
  readonly key?: string;

  constructor(code: string, message: string, key?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.key = key;
  }
}

/**
 * The browser refused to store more (IndexedDB QuotaExceededError). Whatever the failed operation had written is
 * rolled back before this is thrown, so the user can free space and retry.
 */
export class StorageQuotaError extends StorageError {
  /** Bytes used and available for this origin when the error happened (navigator.storage.estimate), if known. */
  readonly usage?: number;
  readonly quota?: number;

  constructor(message: string, estimate: { usage?: number; quota?: number } = {}) {
    super('quota_exceeded', message);
    this.usage = estimate.usage;
    this.quota = estimate.quota;
  }
}

/**
 * True for the ways browsers report a full origin: the DOMException name 'QuotaExceededError' (Chromium, WebKit,
 * Firefox today; legacy code 22) and Firefox's old 'NS_ERROR_DOM_QUOTA_REACHED'.
 */
export function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22;
}
