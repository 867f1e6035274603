// How much room the studio's data takes (its runs and datasets, as it stores them), what the browser reports for the
// whole site (usage of quota), and whether that storage is persistent or may be cleared when the disk runs low.
import { formatBytes } from '../../Panel';
import { useStudio } from '../../store';
import './runs.css';

function PersistLine({ persisted }: { persisted: boolean | undefined }) {
  if (persisted === undefined) return null;
  return (
    <div data-testid="storage-persisted" data-persisted={String(persisted)} className={persisted ? 'muted' : ''}>
      {persisted
        ? 'Persistent: the browser keeps this data when disk space runs low.'
        : 'Not persistent: the browser may clear this data when disk space runs low. Download checkpoints you want to keep.'}
    </div>
  );
}

export function StorageSummary() {
  const { usage, estimate, persisted, error } = useStudio((s) => s.storage);
  const runBytes = usage?.runs.reduce((s, r) => s + r.total, 0) ?? 0;
  const datasetBytes = usage?.datasets.reduce((s, d) => s + d.bytes, 0) ?? 0;
  const quota = estimate?.quota;
  const used = estimate?.usage;
  const share = quota && used !== undefined ? used / quota : undefined;
  return (
    <div className="storage-summary" data-testid="storage-usage" data-bytes={usage?.total ?? ''} data-origin-bytes={used ?? ''}>
      <div className="storage-line">
        <strong>Storage</strong>
        {usage ? (
          <span data-testid="storage-studio">
            studio data {formatBytes(usage.total)} (runs {formatBytes(runBytes)}, datasets {formatBytes(datasetBytes)})
          </span>
        ) : (
          <span className="muted">reading…</span>
        )}
        {used !== undefined && quota !== undefined && (
          <span data-testid="storage-browser" title="navigator.storage.estimate(): everything this site stores, including caches">
            browser: {formatBytes(used)} used of {formatBytes(quota)}{' '}
            <meter min={0} max={1} low={0.6} high={0.85} optimum={0} value={share} />
          </span>
        )}
      </div>
      {share !== undefined && share > 0.85 && (
        <div className="notice warn">Storage is nearly full: delete old runs or their epoch checkpoints below.</div>
      )}
      <PersistLine persisted={persisted} />
      {usage && usage.datasets.length > 0 && (
        <ul className="dataset-sizes">
          {usage.datasets.map((d) => (
            <li key={d.datasetId} data-testid="dataset-size" data-bytes={d.bytes}>dataset {d.name}: {formatBytes(d.bytes)} of images</li>
          ))}
        </ul>
      )}
      {error && <p className="notice error" data-testid="storage-error">{error}</p>}
    </div>
  );
}
