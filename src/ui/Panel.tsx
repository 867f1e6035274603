// A titled card; `step` numbers the newcomer path (1 dataset, 2 model, 3 training, 4 train).
import type { ReactNode } from 'react';

export function Panel(props: { title: string; step?: number; aside?: ReactNode; testId?: string; children: ReactNode }) {
  return (
    <section className="panel" data-testid={props.testId} aria-label={props.title}>
      <header>
        {props.step !== undefined && <span className="step">{props.step}</span>}
        <h2>{props.title}</h2>
        {props.aside && <span className="aside">{props.aside}</span>}
      </header>
      {props.children}
    </section>
  );
}

/** Bytes as "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** Seconds as "1:05" or "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
