// Step 4: Train / Pause / Resume / Stop, the backend choice, and the progress line (epoch, batch, it/s, ETA, backend).
import type { BackendPreference } from '../../protocol/messages';
import { formatDuration, Panel } from '../Panel';
import { useStudio } from '../store';
import type { RunView } from '../store/types';
import { useSettingProblems } from '../useSettingProblems';

const BACKEND_CHOICES: { value: BackendPreference; label: string }[] = [
  { value: 'auto', label: 'Auto (WebGPU on a real GPU, else wasm)' },
  { value: 'webgpu', label: 'WebGPU' },
  { value: 'wasm', label: 'wasm (CPU, SIMD + threads)' },
  { value: 'cpu', label: 'cpu (plain JavaScript, slowest)' },
];

const PHASE_TEXT: Record<RunView['phase'], string> = {
  starting: 'starting…', running: 'training', pausing: 'pausing…', paused: 'paused', stopping: 'stopping after this batch…',
  done: 'finished', stopped: 'stopped', failed: 'failed', interrupted: 'interrupted',
};

/** Seconds left: the rest of this epoch plus the remaining epochs at the current speed (validation not counted). */
function etaSeconds(v: RunView): number {
  if (!v.itPerSec || !v.nb) return NaN;
  const left = v.nb - v.batch - 1 + (v.epochs - v.epoch - 1) * v.nb;
  return left / v.itPerSec;
}

function Progress({ v }: { v: RunView }) {
  const total = v.epochs * v.nb;
  const done = v.nb ? v.epoch * v.nb + v.batch + 1 : 0;
  const finished = v.phase === 'done';
  return (
    <div data-testid="progress" data-epoch={v.epoch} data-batch={v.batch} data-phase={v.phase}>
      <progress max={total || 1} value={finished ? total || 1 : done} />
      <div className="progress-line">
        <span className={`status-pill ${v.phase}`}>{PHASE_TEXT[v.phase]}</span>
        {v.nb > 0 && <span>epoch {v.epoch + 1}/{v.epochs}</span>}
        {v.nb > 0 && <span>batch {v.batch + 1}/{v.nb}</span>}
        {v.itPerSec > 0 && <span>{v.itPerSec.toFixed(2)} it/s ({v.imgsPerSec.toFixed(1)} img/s)</span>}
        {v.live && v.itPerSec > 0 && <span>ETA {formatDuration(etaSeconds(v))}</span>}
        {v.backendLine && <span data-testid="run-backend">on {v.backendLine}</span>}
      </div>
    </div>
  );
}

export function RunPanel() {
  const view = useStudio((s) => s.view);
  const backendPref = useStudio((s) => s.backendPref);
  const { startTraining, control, setBackendPref } = useStudio.getState();
  const errors = useSettingProblems().filter((p) => p.level === 'error');
  const live = view?.live ?? false;
  return (
    <Panel title={view ? view.name : 'Train'} step={4} testId="panel-run">
      <div className="row">
        {!live && (
          <button className="primary big" data-testid="train" disabled={errors.length > 0} onClick={startTraining}
            title={errors.map((e) => e.text).join('\n')}>
            Train
          </button>
        )}
        {live && view?.phase !== 'paused' && <button onClick={() => control('pause')} disabled={view?.phase !== 'running'}>Pause</button>}
        {live && view?.phase === 'paused' && <button className="primary" onClick={() => control('resume')}>Resume</button>}
        {live && <button className="danger" onClick={() => control('stop')} disabled={view?.phase === 'stopping'}>Stop</button>}
        <label htmlFor="backend-pref" className="muted" style={{ marginLeft: 'auto' }}>Backend</label>
        <select id="backend-pref" value={backendPref} disabled={live} onChange={(e) => setBackendPref(e.target.value as BackendPreference)}>
          {BACKEND_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
        </select>
      </div>
      {!live && errors.length > 0 && (
        <div className="notice warn">
          {errors.map((e) => <div key={e.text}>{e.text}</div>)}
        </div>
      )}
      {live && view?.phase === 'stopping' && <p className="muted">Stopping: the finished epochs' last.pt and best.pt are kept.</p>}
      {view && <Progress v={view} />}
      {view?.error && (
        <div className="notice error" data-testid="run-error">
          {view.error.name} [{view.error.code}]: {view.error.message}
        </div>
      )}
      {!view && <p className="muted">Press Train to start. Charts fill in as it learns; nothing leaves this browser.</p>}
    </Panel>
  );
}
