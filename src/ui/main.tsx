// Entry point of the page: mounts the React app and exposes the e2e probe hook.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isBackendName, type BackendName } from '../protocol/messages';
import { App } from './App';
import { trainerClient, type ProbeReply, type ProbeRequest } from './trainerClient';

declare global {
  interface Window {
    /** Used by the e2e smoke test: one yolov5n eval forward in the worker. */
    __yoloProbe?: (req: ProbeRequest) => Promise<ProbeReply>;
  }
}

/** `?backend=webgpu|wasm|webgl|cpu` forces the worker's backend (tests and debugging); anything else is ignored. */
function preferredBackend(search: string): BackendName | undefined {
  const value = new URLSearchParams(search).get('backend');
  return isBackendName(value) ? value : undefined;
}

window.__yoloProbe = (req) => trainerClient().probe(req);

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root element');
createRoot(rootEl).render(
  <StrictMode>
    <App prefer={preferredBackend(window.location.search)} />
  </StrictMode>,
);
