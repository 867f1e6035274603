// The page's storage handle (the worker opens its own): the UI lists and reads datasets, runs and checkpoints
// directly; everything that writes training results goes through the worker.
import { openStudioDb, type StudioDb } from '../storage';

let db: StudioDb | null = null;

export function studioDb(): StudioDb {
  db ??= openStudioDb();
  return db;
}
