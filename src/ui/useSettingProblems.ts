// The current settings' problems (validation.ts), recomputed only when the settings change.
import { useMemo } from 'react';
import { useStudio } from './store';
import { settingProblems, type SettingProblem } from './validation';
import { customModelProblems } from './panels/model/modelYamlText';

export function useSettingProblems(): SettingProblem[] {
  const options = useStudio((s) => s.options);
  const hyp = useStudio((s) => s.hyp);
  const weights = useStudio((s) => s.weights);
  const storedWeights = useStudio((s) => s.storedWeights);
  const customModel = useStudio((s) => s.customModel);
  const modelCheck = useStudio((s) => s.modelCheck);
  const datasets = useStudio((s) => s.datasets);
  const selected = useStudio((s) => s.selectedDatasetId);
  return useMemo(
    () => [
      ...customModelProblems(customModel, modelCheck),
      ...settingProblems(options, hyp, datasets.find((d) => d.id === selected), weights !== null || storedWeights !== null),
    ],
    [options, hyp, weights, storedWeights, customModel, modelCheck, datasets, selected],
  );
}
