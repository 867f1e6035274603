// Picking a stored checkpoint of any run: the list is read from IndexedDB (every run's entries) and re-read when the
// runs change or the open run saves a checkpoint; until the user picks, the open run's best.pt is chosen.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { listCheckpoints } from '../../../storage';
import { studioDb } from '../../db';
import { useStudio } from '../../store';
import { checkpointChoices, chosenCheckpoint, groupByRun, type CheckpointChoice } from './choices';

/** Every stored run's checkpoints, newest run first. */
function useCheckpointChoices(): CheckpointChoice[] {
  const runs = useStudio((s) => s.runs);
  const saved = useStudio((s) => s.view?.checkpoints);
  const [choices, setChoices] = useState<CheckpointChoice[]>([]);
  useEffect(() => {
    let live = true;
    const newestFirst = [...runs].reverse();
    // A run deleted meanwhile simply has no entries.
    Promise.all(newestFirst.map((r) => listCheckpoints(studioDb(), r.id).catch(() => [])))
      .then((lists) => live && setChoices(checkpointChoices(newestFirst.map((r, i) => ({ id: r.id, name: r.name, entries: lists[i] })))));
    return () => {
      live = false;
    };
  }, [runs, saved]);
  return choices;
}

/** The chosen checkpoint (null: none stored yet) and the select that changes it. */
export function useCheckpointPicker(id: string): { chosen: CheckpointChoice | null; select: ReactNode } {
  const choices = useCheckpointChoices();
  const openRunId = useStudio((s) => s.view?.runId ?? null);
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = chosenCheckpoint(choices, picked, openRunId);
  const groups = useMemo(() => groupByRun(choices), [choices]);
  const select = (
    <select id={id} data-testid={id} value={chosen?.key ?? ''} disabled={!choices.length} onChange={(e) => setPicked(e.target.value)}>
      {!choices.length && <option value="">no checkpoint stored yet</option>}
      {groups.map((g) => (
        <optgroup key={g.runId} label={g.runName}>
          {g.choices.map((c) => <option key={c.key} value={c.key}>{`${g.runName}: ${c.label}`}</option>)}
        </optgroup>
      ))}
    </select>
  );
  return { chosen, select };
}
