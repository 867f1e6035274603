// The stored verification report (core/data VerifyReport plus the import's notes), read defensively: manifests
// written by other versions or by the built-in sample carry only some of its fields.
import type { SplitReport } from '../../../core/data/verify';
import type { SplitName } from '../../../storage';

export type Action = 'dropped' | 'fixed' | 'warning';

export interface ReportProblem {
  file: string;
  line?: number;
  code: string;
  message: string;
  action: Action;
  split?: SplitName;
}

/** A split's counters as verify.ts reports them (the scanned folder is not shown). */
export type ReportSplit = Omit<SplitReport, 'scanDir'>;

export interface ReportSummary {
  generated: boolean;
  splits: ReportSplit[];
  problems: ReportProblem[];
  counts: Record<Action, number>;
  blockers: string[];
  notes: string[];
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const ACTIONS: readonly Action[] = ['dropped', 'fixed', 'warning'];

export function readReport(report: unknown): ReportSummary {
  const r = (report && typeof report === 'object' ? report : {}) as Record<string, unknown>;
  const splitsIn = (r.splits && typeof r.splits === 'object' ? r.splits : {}) as Record<string, Record<string, unknown> | undefined>;
  const splits: ReportSplit[] = [];
  for (const split of ['train', 'val', 'test'] as const) {
    const s = splitsIn[split];
    if (!s) continue;
    splits.push({
      split, found: num(s.found), missing: num(s.missing), empty: num(s.empty), corrupt: num(s.corrupt), images: num(s.images),
      backgrounds: num(s.backgrounds), instances: num(s.instances), duplicatesRemoved: num(s.duplicatesRemoved),
    });
  }
  const problems: ReportProblem[] = (Array.isArray(r.problems) ? r.problems : [])
    .filter((p): p is Record<string, unknown> => !!p && typeof p === 'object')
    .map((p) => ({
      file: String(p.file ?? ''), line: typeof p.line === 'number' ? p.line : undefined, code: String(p.code ?? ''),
      message: String(p.message ?? ''), action: ACTIONS.includes(p.action as Action) ? (p.action as Action) : 'warning',
      split: typeof p.split === 'string' ? (p.split as SplitName) : undefined,
    }));
  const counts = { dropped: 0, fixed: 0, warning: 0 };
  for (const p of problems) counts[p.action]++;
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return { generated: r.generated === true, splits, problems, counts, blockers: strings(r.blockers), notes: strings(r.notes) };
}

/** Problems with one of `actions`, in stored order (import problems first, then per image). */
export function problemsWith(problems: readonly ReportProblem[], actions: ReadonlySet<Action>): ReportProblem[] {
  return problems.filter((p) => actions.has(p.action));
}
