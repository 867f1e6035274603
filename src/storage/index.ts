// Public surface of src/storage: datasets, runs and checkpoints in IndexedDB (idb-keyval), versioned keys, atomic
// writes. Open one handle per page / worker with openStudioDb() and call cleanupPending() once at startup.
export { openStudioDb, DB_NAME, STORE_NAME, type LockManagerLike, type OpenStudioDbOptions, type StudioDb } from './db';
export { isQuotaError, StorageError, StorageQuotaError } from './errors';
export { KEY_ROOT } from './keys';
export { cleanupPending, DEFAULT_STALE_MS, type CleanupOptions, type CleanupResult } from './pending';
export { importDataset } from './importDataset';
export { importRun, type RunImportCheckpoint, type RunImportInput } from './importRun';
export { importStaged, ImportStaging, type StagedPlan, type StagingOptions } from './staging';
export { checkName, deleteDataset, getManifest, listDatasets, readImage, renameDataset } from './datasets';
export {
  persistOnce,
  requestPersistentStorage,
  storageEstimate,
  storagePersisted,
  type PersistMemory,
  type StorageEstimate,
  type StorageManagerLike,
} from './estimate';
export {
  approxBytes,
  studioUsage,
  type CheckpointUsage,
  type DatasetUsage,
  type RunUsage,
  type StudioUsage,
} from './usage';
export { readLatestValidation, saveLatestValidation, VALIDATION_SCHEMA, type StoredValidation } from './validation';
export {
  appendEpochMetrics,
  deleteRun,
  getRun,
  listRuns,
  readEpochMetrics,
  RUN_SCHEMA,
  saveRun,
  updateRun,
  type EpochMetricsRow,
  type RunInput,
  type RunRecord,
  type RunStatus,
  type RunSummary,
} from './runs';
export {
  checkpointProtection,
  deleteCheckpoint,
  listCheckpoints,
  pruneEpochCheckpoints,
  readCheckpoint,
  saveCheckpoint,
  type CheckpointEntry,
  type CheckpointKind,
  type CheckpointMeta,
} from './checkpoints';
export {
  imageLabels,
  MANIFEST_SCHEMA,
  type DatasetCompletion,
  type DatasetManifest,
  type DatasetMeta,
  type DatasetSplits,
  type DatasetSummary,
  type ImageRef,
  type ImportItem,
  type ImportOptions,
  type ImportProgress,
  type SplitName,
  type StagedFile,
} from './types';
