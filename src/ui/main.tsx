// Entry point of the page: wires the worker to the store, loads what storage holds (creating the sample dataset on
// a first visit), mounts the React app and exposes the e2e hooks.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { requestPersistentStorage } from '../storage';
import { isBackendName, type BackendPreference } from '../protocol/messages';
import { App } from './App';
import { useStudio } from './store';
import { trainerClient, type ProbeReply, type ProbeRequest } from './trainerClient';
import './styles.css';

declare global {
  interface Window {
    /** Used by the e2e smoke test: one yolov5n eval forward in the worker. */
    __yoloProbe?: (req: ProbeRequest) => Promise<ProbeReply>;
    /** e2e hook: the worker's tf.memory(). */
    __yoloMemory?: () => Promise<{ numTensors: number; numBytes: number }>;
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
  // Ask the browser not to evict datasets and runs under storage pressure (it may say no; nothing depends on it).
  void requestPersistentStorage().catch(() => undefined);
}
void loadStorage();

// A run another tab was training shows 'running' until its lock goes away: look again now and then, so a closed
// tab's run turns into "Resume from epoch N" without a reload.
setInterval(() => {
  const { runs, view, refreshRuns } = useStudio.getState();
  if (runs.some((r) => (r.status === 'running' || r.status === 'paused') && r.id !== view?.runId)) void refreshRuns();
}, 3000);

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root element');
createRoot(rootEl).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
