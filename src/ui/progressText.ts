// Words for progress and outcomes the panels show: an import's progress line (bytes of a zip as MB, files and
// images as counts), the one-line count of what a verification dropped, fixed or flagged, and the command that
// unpacks a saved cluster bundle.
import { shellLine } from '../core/bundle/upstreamOpt';
import type { ImportPhase, ImportSummary } from '../protocol/messages';

const PHASES: Record<ImportPhase, string> = { reading: 'Reading files', verifying: 'Checking images and labels', writing: 'Storing in the browser' };

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** "Reading zip… 1.0 / 21.2 MB" while a zip's bytes are read; "Checking images and labels… 12/128" otherwise. */
export function importProgressText(p: { phase: ImportPhase; done: number; total: number; unit?: 'bytes' | 'files' }): string {
  if (p.phase === 'reading' && p.unit === 'bytes') return `Reading zip… ${mb(p.done)} / ${mb(p.total)} MB`;
  return `${PHASES[p.phase]}… ${p.done}/${p.total}`;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "2 files left out, 1 fixed, 1 warning": only the kinds that occurred, each counted by its own action. */
export function problemsLine(problems: Pick<ImportSummary['problems'][number], 'action'>[]): string {
  const n = { dropped: 0, fixed: 0, warning: 0 };
  for (const p of problems) n[p.action]++;
  const parts = [
    n.dropped ? count(n.dropped, 'file left out', 'files left out') : '',
    n.fixed ? `${n.fixed} fixed` : '',
    n.warning ? count(n.warning, 'warning', 'warnings') : '',
  ].filter(Boolean);
  return parts.join(', ');
}

/** The bundle README's unpack step, run from the folder that holds the zip and the yolov5 checkout. */
export function unpackCommand(zipName: string): string {
  return `cd yolov5 && ${shellLine(['unzip', '-q', `../${zipName}`, '-d', '..'])}`;
}
