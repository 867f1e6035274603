// One run's room in storage, in its row of the runs list: its size, "delete epoch checkpoints" (keeps last.pt and
// best.pt), and its checkpoints one by one, each deletable unless the run still needs it (then the button says why).
import { checkpointFileName } from '../../downloads';
import { formatBytes } from '../../Panel';
import { useStudio } from '../../store';

export function RunStorage({ runId }: { runId: string }) {
  const usage = useStudio((s) => s.storage.usage?.runs.find((r) => r.runId === runId));
  if (!usage) return null;
  const { pruneEpochCheckpoints, deleteCheckpoint } = useStudio.getState();
  const epochs = usage.checkpoints.filter((c) => c.kind === 'epoch');
  return (
    <div className="run-storage">
      <small data-testid="run-size" data-bytes={usage.total}>
        {formatBytes(usage.total)} · {usage.checkpoints.length} checkpoint{usage.checkpoints.length === 1 ? '' : 's'}
      </small>
      {epochs.length > 0 && (
        <button data-testid="prune-epochs" title="Delete every epochN.pt of this run; last.pt and best.pt stay"
          onClick={() => void pruneEpochCheckpoints(runId)}>
          Delete {epochs.length} epoch checkpoint{epochs.length === 1 ? '' : 's'} ({formatBytes(usage.epochCheckpointBytes)})
        </button>
      )}
      {usage.checkpoints.length > 0 && (
        <details>
          <summary>Checkpoints</summary>
          <ul className="ckpt-list">
            {usage.checkpoints.map((c) => (
              <li key={c.id} data-testid="stored-checkpoint" data-id={c.id}>
                <span className="ckpt-name">{checkpointFileName(c.id)}</span>
                <small className="grow muted">{c.epoch < 0 ? 'final' : `epoch ${c.epoch + 1}`} · {formatBytes(c.size)}</small>
                <button className="danger" data-testid={`delete-checkpoint-${c.id}`} disabled={c.keptBecause !== null}
                  title={c.keptBecause ?? `Delete ${checkpointFileName(c.id)}`}
                  onClick={() => confirm(`Delete ${checkpointFileName(c.id)}?`) && void deleteCheckpoint(runId, c.id)}>
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
