// Keeps a run's latest validation (per-class rows, confusion matrix, curves, gallery boxes) beside the run in storage,
// so opening the run later or reloading the page shows it. Best effort: the training goes on if it cannot be stored
// (a full disk is said in the run's log; the epoch's metrics row and checkpoints are what a resume needs).
import type { FromWorker } from '../protocol/messages';
import type { RunValidation } from '../protocol/valAnalytics';
import { saveLatestValidation, type StudioDb } from '../storage';

export async function storeRunValidation(
  db: StudioDb,
  runId: string,
  epoch: number,
  validation: RunValidation,
  post: (msg: FromWorker) => void,
): Promise<void> {
  try {
    await saveLatestValidation(db, runId, epoch, validation);
  } catch (err) {
    const text = `the validation of epoch ${epoch + 1} was not stored with the run (${err instanceof Error ? err.message : String(err)}); it is shown until the page is reloaded`;
    post({ type: 'log', runId, level: 'warning', text });
  }
}
