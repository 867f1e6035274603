// A look inside the selected dataset: label statistics, the images with their boxes, and the verification report.
// The manifest (every image's labels, the stored stats and report) is read once per dataset; images on demand.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SplitName } from '../../../storage';
import { useStudio } from '../../store';
import { ImageGrid } from './ImageGrid';
import { ReportView } from './ReportView';
import { StatsPlots } from './StatsPlots';
import { presentSplits, splitStats } from './statsView';
import { useManifest } from './useManifest';

type Tab = 'stats' | 'images' | 'report';
const TABS: { id: Tab; label: string }[] = [
  { id: 'stats', label: 'Label statistics' }, { id: 'images', label: 'Images' }, { id: 'report', label: 'Verification report' },
];

export function DatasetExplorer() {
  const id = useStudio((s) => s.selectedDatasetId);
  const datasets = useStudio((s) => s.datasets);
  const state = useManifest(id, datasets);
  const [tab, setTab] = useState<Tab>('stats');
  const [split, setSplit] = useState<SplitName>('train');
  const [classFilter, setClassFilter] = useState<number | null>(null);
  const manifest = state.kind === 'ready' ? state.manifest : null;
  const splits = useMemo(() => (manifest ? presentSplits(manifest) : []), [manifest]);
  const shownSplit = splits.includes(split) ? split : (splits[0] ?? 'train');
  const stats = useMemo(() => (manifest ? splitStats(manifest, shownSplit) : null), [manifest, shownSplit]);
  useEffect(() => setClassFilter(null), [id]);
  const pickClass = useCallback((cls: number | null) => {
    setClassFilter(cls);
    if (cls !== null) setTab('images');
  }, []);

  if (state.kind === 'none') return null;
  if (state.kind === 'error') return <p className="notice error">Could not read this dataset: {state.message}</p>;
  if (!manifest) return <p className="muted">Reading the dataset…</p>;
  return (
    <div className="explorer" data-testid="dataset-explorer">
      <div className="row spread">
        <div className="tabs" role="tablist">
          {TABS.map((t) => (
            <button key={t.id} role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'active' : ''} onClick={() => setTab(t.id)}
              data-testid={`tab-${t.id}`}>
              {t.label}
            </button>
          ))}
        </div>
        {tab !== 'report' && splits.length > 1 && (
          <select aria-label="split" value={shownSplit} onChange={(e) => setSplit(e.target.value as SplitName)} data-testid="split-select">
            {splits.map((s) => <option key={s} value={s}>{s} ({manifest.splits[s]?.length ?? 0})</option>)}
          </select>
        )}
      </div>
      {tab === 'stats' && (stats ? <StatsPlots stats={stats} classFilter={classFilter} onPickClass={pickClass} /> : <p className="muted">No images in this split.</p>)}
      {tab === 'images' && (
        <ImageGrid key={`${manifest.id}|${shownSplit}`} manifest={manifest} split={shownSplit} perClass={stats?.perClass ?? []} classFilter={classFilter} onClassFilter={setClassFilter} />
      )}
      {tab === 'report' && <ReportView report={manifest.report} />}
    </div>
  );
}
