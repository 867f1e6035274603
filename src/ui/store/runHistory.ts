// What a run brings back from storage beyond its rows and checkpoints: its latest validation (per-class table,
// confusion matrix, curves, gallery), stored by the worker when an epoch is validated.
import type { RunValidation } from '../../protocol/valAnalytics';
import { readLatestValidation } from '../../storage';
import { studioDb } from '../db';
import type { RunView } from './types';

/** The stored latest validation of a run as run view fields; none stored (or unreadable): nothing. */
export async function storedValidation(runId: string): Promise<Partial<Pick<RunView, 'perClass' | 'analytics'>>> {
  const stored = await readLatestValidation<RunValidation>(studioDb(), runId).catch(() => null);
  return stored ? { perClass: stored.data.perClass, analytics: stored.data.analytics } : {};
}
