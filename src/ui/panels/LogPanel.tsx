// The run's log: what the training loop says (AutoAnchor, optimizer groups, transfer counts, per-epoch metrics,
// warnings), newest at the bottom.
import { useEffect, useRef } from 'react';
import { useStudio } from '../store';

export function LogPanel() {
  const logs = useStudio((s) => s.view?.logs);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [logs]);
  if (!logs?.length) return null;
  return (
    <details className="panel" data-testid="panel-log">
      <summary>Log ({logs.length} lines)</summary>
      <div className="log" ref={box}>
        {logs.map((l, i) => <div key={i} className={l.level}>{l.text}</div>)}
      </div>
    </details>
  );
}
