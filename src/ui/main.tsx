// Entry point of the page: wires the worker to the store, loads what storage holds (creating the sample dataset on
// a first visit), mounts the React app and exposes the e2e hooks.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isBackendName, type BackendPreference } from '../protocol/messages';
import { App } from './App';
import { rememberShownRun, reopenShownRun } from './shownRun';
import { useStudio } from './store';
import { trainerClient, type ProbeReply, type ProbeRequest } from './trainerClient';
import './styles.css';

declare global {
  interface Window {
    /** Used by the e2e smoke test: one yolov5n eval forward in the worker. */
    __yoloProbe?: (req: ProbeRequest) => Promise<ProbeReply>;
    /** e2e hook: the worker's tf.memory(). */
    __yoloMemory?: () => Promise<{ numTensors: number; numBytes: number }>;
    /** e2e hook: destroys the worker's WebGPU device (a simulated GPU loss); false when it was not on WebGPU. */
    __yoloLoseDevice?: () => Promise<boolean>;
  }
}

/** `?backend=webgpu|wasm|webgl|cpu` forces the worker's backend (tests and debugging); anything else is ignored. */
function backendFromUrl(search: string): BackendPreference | undefined {
  const value = new URLSearchParams(search).get('backend');
  return isBackendName(value) ? value : undefined;
}

const client = trainerClient();
window.__yoloProbe = (req) => client.probe(req);
window.__yoloMemory = () => client.memory();
window.__yoloLoseDevice = () => client.loseDevice();

client.onReady((info) => useStudio.setState({ backend: { kind: 'ready', info } }));
client.onError((err) => useStudio.setState({ backend: { kind: 'failed', message: `${err.name} [${err.code}]: ${err.message}` } }));
const forced = backendFromUrl(window.location.search);
if (forced) useStudio.setState({ backendPref: forced });
client.init(useStudio.getState().backendPref);

/** First visit (nothing stored, nothing ever created): generate the sample dataset so Train works right away. */
async function loadStorage(): Promise<void> {
  const s = useStudio.getState();
  await s.loadDatasets();
  const firstVisit = localStorage.getItem('yolo-studio:visited') === null;
  localStorage.setItem('yolo-studio:visited', '1');
  if (firstVisit && useStudio.getState().datasets.length === 0) await s.createSample();
  await s.refreshRuns();
  await reopenShownRun();
  // Ask the browser (on the first run only) not to evict datasets and runs under storage pressure; it may say no.
  void s.initStorageCare();
}
rememberShownRun();
void loadStorage();

// A run another tab was training shows 'running' until its lock goes away: look again now and then, so a closed
// tab's run turns into "Resume from epoch N" without a reload.
setInterval(() => {
  const { runs, view, refreshRuns } = useStudio.getState();
  // Only the run this tab trains is known to be alive; a shown but not live run (reopened after a reload) is not.
  const liveId = view?.live ? view.runId : undefined;
  if (runs.some((r) => (r.status === 'running' || r.status === 'paused') && r.id !== liveId)) void refreshRuns();
}, 3000);

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root element');
createRoot(rootEl).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
