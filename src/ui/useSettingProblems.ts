// The current settings' problems (validation.ts), recomputed only when the settings change.
import { useMemo } from 'react';
import { useStudio } from './store';
import { settingProblems, type SettingProblem } from './validation';

export function useSettingProblems(): SettingProblem[] {
  const options = useStudio((s) => s.options);
  const hyp = useStudio((s) => s.hyp);
  const weights = useStudio((s) => s.weights);
  const datasets = useStudio((s) => s.datasets);
  const selected = useStudio((s) => s.selectedDatasetId);
  return useMemo(
    () => settingProblems(options, hyp, datasets.find((d) => d.id === selected), weights !== null),
    [options, hyp, weights, datasets, selected],
  );
}
