// The page shell: the studio's name and which tfjs backend the worker runs on. The studio panels arrive with
// their own issue; this shell already goes through the real worker so a broken backend shows up here first.
import { useEffect, useState } from 'react';
import type { BackendName } from '../protocol/messages';
import { trainerClient, type ReadyInfo } from './trainerClient';

type BackendState = { kind: 'starting' } | { kind: 'ready'; info: ReadyInfo } | { kind: 'failed'; message: string };

export function describeBackend(state: BackendState): string {
  switch (state.kind) {
    case 'starting':
      return 'Backend: starting…';
    case 'failed':
      return `Backend failed: ${state.message}`;
    case 'ready': {
      const { backend, adapter, isFallbackAdapter, threads } = state.info;
      const details = [
        adapter,
        isFallbackAdapter ? 'software fallback adapter' : undefined,
        threads === undefined ? undefined : `${threads} thread${threads === 1 ? '' : 's'}`,
      ].filter(Boolean);
      return `Backend: ${backend}${details.length ? ` (${details.join(', ')})` : ''}`;
    }
    default:
      throw new TypeError(`unknown backend state ${(state satisfies never as { kind: unknown }).kind}`);
  }
}

export function App({ prefer }: { prefer?: BackendName }) {
  const [state, setState] = useState<BackendState>({ kind: 'starting' });

  useEffect(() => {
    const client = trainerClient();
    const offReady = client.onReady((info) => setState({ kind: 'ready', info }));
    const offError = client.onError((err) => setState({ kind: 'failed', message: `${err.name} [${err.code}]: ${err.message}` }));
    client.init(prefer);
    return () => {
      offReady();
      offError();
    };
  }, [prefer]);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>
      <h1>yolo-studio</h1>
      <p>YOLOv5 training in the browser.</p>
      <p
        data-testid="backend"
        data-state={state.kind}
        data-backend={state.kind === 'ready' ? state.info.backend : ''}
        data-threads={state.kind === 'ready' ? (state.info.threads ?? '') : ''}
      >
        {describeBackend(state)}
      </p>
    </main>
  );
}
