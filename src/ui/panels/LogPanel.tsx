// The run's log: what the training loop says (AutoAnchor, optimizer groups, transfer counts, per-epoch metrics,
// warnings), newest at the bottom.
import { useEffect, useRef } from 'react';
import { useStudio } from '../store';

export function LogPanel() {
  const logs = useStudio((s) => s.view?.logs);
  const box = useRef<HTMLDivElement>(null);
  const panel = useRef<HTMLDetailsElement>(null);
  // Reading scrollHeight forces a layout of the page: only while the log is open (it is folded by default), and
  // once when it is opened.
  const toBottom = () => {
    if (box.current && panel.current?.open) box.current.scrollTop = box.current.scrollHeight;
  };
  useEffect(toBottom, [logs]);
  if (!logs?.length) return null;
  return (
    <details className="panel" data-testid="panel-log" ref={panel} onToggle={toBottom}>
      <summary>Log ({logs.length} lines)</summary>
      <div className="log" ref={box}>
        {logs.map((l, i) => <div key={i} className={l.level}>{l.text}</div>)}
      </div>
    </details>
  );
}
