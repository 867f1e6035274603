// The stored checkpoints the Try it and Validate panels offer, as choices: every run's last / best / epochN.pt,
// named by run and file, and which one is chosen when the user has not picked any (the open run's best.pt).
import { ptFileName } from '../../../protocol/checkpointTools';
import type { CheckpointEntry } from '../../../storage';

export interface CheckpointChoice {
  /** `<runId>/<entryId>`: the select's value. */
  key: string;
  runId: string;
  runName: string;
  entryId: string;
  kind: CheckpointEntry['kind'];
  epoch: number;
  /** e.g. 'best.pt · final' or 'epoch3.pt · after epoch 4'. */
  label: string;
}

export const choiceKey = (runId: string, entryId: string): string => `${runId}/${entryId}`;

function describe(e: CheckpointEntry): string {
  return `${ptFileName(e.id)} · ${e.epoch < 0 ? 'final' : `after epoch ${e.epoch + 1}`}`;
}

/** The choices of runs listed newest first, each run's entries in storage order (last, best, epochs). */
export function checkpointChoices(runs: readonly { id: string; name: string; entries: readonly CheckpointEntry[] }[]): CheckpointChoice[] {
  return runs.flatMap((r) =>
    r.entries.map((e) => ({ key: choiceKey(r.id, e.id), runId: r.id, runName: r.name, entryId: e.id, kind: e.kind, epoch: e.epoch, label: describe(e) })),
  );
}

/**
 * What is chosen: the user's pick while it still exists; else the open run's best.pt (its last.pt before a best
 * exists); else the first run's best (the newest run with checkpoints); else nothing.
 */
export function chosenCheckpoint(choices: readonly CheckpointChoice[], picked: string | null, openRunId: string | null): CheckpointChoice | null {
  const byKey = (k: string) => choices.find((c) => c.key === k);
  if (picked && byKey(picked)) return byKey(picked)!;
  const bestOf = (runId: string) => byKey(choiceKey(runId, 'best')) ?? byKey(choiceKey(runId, 'last'));
  if (openRunId) {
    const open = bestOf(openRunId);
    if (open) return open;
  }
  return choices.length ? (bestOf(choices[0].runId) ?? choices[0]) : null;
}

/** Groups choices by run for <optgroup>s, in order. */
export function groupByRun(choices: readonly CheckpointChoice[]): { runId: string; runName: string; choices: CheckpointChoice[] }[] {
  const groups: { runId: string; runName: string; choices: CheckpointChoice[] }[] = [];
  for (const c of choices) {
    const last = groups.at(-1);
    if (last?.runId === c.runId) last.choices.push(c);
    else groups.push({ runId: c.runId, runName: c.runName, choices: [c] });
  }
  return groups;
}
