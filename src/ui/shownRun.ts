// The run the page shows (trained here or opened from the runs list) is shown again after a reload: its charts,
// files and last validation come back from storage, and a run the reload cut off says "interrupted".
import { useStudio } from './store';

const SHOWN_RUN_KEY = 'yolo-studio:shownRun';

/** From now on, remembers which run the page shows (none: forgets). */
export function rememberShownRun(): void {
  useStudio.subscribe((s, prev) => {
    const id = s.view?.runId;
    if (id === prev.view?.runId) return;
    if (id) localStorage.setItem(SHOWN_RUN_KEY, id);
    else localStorage.removeItem(SHOWN_RUN_KEY);
  });
}

/** Opens the run shown before the reload, if it is still stored and nothing else is shown yet. */
export async function reopenShownRun(): Promise<void> {
  const id = localStorage.getItem(SHOWN_RUN_KEY);
  const { view, runs, openRun } = useStudio.getState();
  if (!id || view || !runs.some((r) => r.id === id)) return;
  await openRun(id);
}
