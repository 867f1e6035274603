// The studio page: the newcomer path down the left column (dataset → model → training → hyperparameters), the run
// on the right (Train, progress, live charts, files, log, past runs).
import { BundlePanel } from './panels/BundlePanel';
import { Charts } from './panels/Charts';
import { DatasetsPanel } from './panels/DatasetsPanel';
import { FilesPanel } from './panels/FilesPanel';
import { HypPanel } from './panels/HypPanel';
import { LogPanel } from './panels/LogPanel';
import { ModelPanel } from './panels/ModelPanel';
import { OptionsPanel } from './panels/OptionsPanel';
import { RunPanel } from './panels/RunPanel';
import { RunsPanel } from './panels/RunsPanel';
import { TryItPanel } from './panels/TryItPanel';
import { ValidatePanel } from './panels/ValidatePanel';
import { useStudio } from './store';
import { describeBackend } from './store/backendSlice';

function BackendLine() {
  const state = useStudio((s) => s.backend);
  return (
    <span
      className="backend"
      data-testid="backend"
      data-state={state.kind}
      data-backend={state.kind === 'ready' ? state.info.backend : ''}
      data-threads={state.kind === 'ready' ? (state.info.threads ?? '') : ''}
    >
      {describeBackend(state)}
    </span>
  );
}

/** What the environment means for speed, said once at the top (no WebGPU, no threads). */
function EnvironmentNotice() {
  const state = useStudio((s) => s.backend);
  if (state.kind !== 'ready') return null;
  const notes: string[] = [];
  if (state.info.note) notes.push(state.info.note);
  if (state.info.backend === 'wasm' && !window.crossOriginIsolated) {
    notes.push('wasm runs single-threaded: this host does not send the COOP/COEP headers that enable threads, so training is slower');
  }
  if (!notes.length) return null;
  return (
    <div className="notice info" data-testid="env-notice" style={{ margin: '0.75rem 1.25rem 0' }}>
      {notes.map((n) => <div key={n}>{n.charAt(0).toUpperCase() + n.slice(1)}.</div>)}
    </div>
  );
}

export function App() {
  return (
    <>
      <header className="header">
        <h1>yolo-studio</h1>
        <span className="tagline">Train YOLOv5 in your browser — your images never leave this computer.</span>
        <BackendLine />
      </header>
      <EnvironmentNotice />
      <main className="layout">
        <div className="column">
          <DatasetsPanel />
          <ModelPanel />
          <OptionsPanel />
          <HypPanel />
        </div>
        <div className="column">
          <RunPanel />
          <BundlePanel />
          <Charts />
          <FilesPanel />
          <LogPanel />
          <RunsPanel />
          <TryItPanel />
          <ValidatePanel />
        </div>
      </main>
    </>
  );
}
