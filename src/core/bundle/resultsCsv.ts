// Reading a results.csv brought back from a cluster: upstream's header of '%20s' names and '%20.5g' rows (see
// core/train/results.ts, which writes the same file). Columns are found by name, so padding and column order do not
// matter; every value is checked, and a bad one is named by line and column.
import { RESULTS_KEYS, type EpochRow } from '../train/results';
import { ResultsCsvError } from './errors';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity };

/**
 * The epoch rows of a YOLOv5 v7.0 results.csv. A resumed upstream run may repeat epochs: a row for epoch e replaces
 * the rows read so far for e and later, as the studio's own metrics store does.
 */
export function readResultsCsv(text: string, file = 'results.csv'): EpochRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const first = lines.findIndex((l) => l.trim());
  if (first < 0) throw new ResultsCsvError('results_empty', 'the file is empty', { file });
  const header = lines[first].split(',').map((s) => s.trim());
  const wanted = ['epoch', ...RESULTS_KEYS];
  const missing = wanted.filter((k) => !header.includes(k));
  if (missing.length) {
    throw new ResultsCsvError(
      'results_header',
      `no column ${missing.map((m) => `'${m}'`).join(', ')}: not a YOLOv5 (v7.0) detection results.csv`,
      { file, line: first + 1 },
    );
  }
  const idx = wanted.map((k) => header.indexOf(k));
  let rows: EpochRow[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = lines[i].split(',');
    if (cells.length !== header.length) {
      throw new ResultsCsvError('results_columns', `${cells.length} values, the header has ${header.length} columns`, { file, line: i + 1 });
    }
    const v = idx.map((c, k) => cellValue(cells[c], wanted[k], file, i + 1));
    const epoch = v[0];
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new ResultsCsvError('results_value', `epoch ${cells[idx[0]].trim()} is not an integer >= 0`, { file, line: i + 1 });
    }
    rows = rows.filter((r) => r.epoch < epoch);
    rows.push({ epoch, train: [v[1], v[2], v[3]], metrics: [v[4], v[5], v[6], v[7]], val: [v[8], v[9], v[10]], lr: [v[11], v[12], v[13]] });
  }
  return rows;
}

function cellValue(cell: string, column: string, file: string, line: number): number {
  const t = cell.trim();
  if (NUMBER.test(t)) return Number(t);
  const special = NON_FINITE[t.toLowerCase()];
  if (special !== undefined) return special;
  throw new ResultsCsvError('results_value', `column '${column}' holds ${JSON.stringify(t)}, not a number`, { file, line });
}
