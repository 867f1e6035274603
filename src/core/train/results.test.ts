import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REF_DIR } from '../../../test/refs';
import { parseResultsCsv, resultsHeader, resultsRow } from './results';

describe('results.csv', () => {
  it('reproduces upstream\'s file byte for byte from its own numbers', () => {
    const text = readFileSync(resolve(REF_DIR, 'upstream_synth_results_e100.csv'), 'utf8');
    const rows = parseResultsCsv(text);
    expect(rows).toHaveLength(100);
    expect(rows[95].metrics[3]).toBe(0.40234);
    const ours = [resultsHeader(), ...rows.map(resultsRow)].join('\n') + '\n';
    expect(ours).toBe(text);
  });
});
