'use client';

import { useEffect, useRef } from 'react';
import type { TerminalSession } from '@/lib/stores/terminals';
import type { XtermHandle } from '@/components/terminal/xterm-host';

/** Places a session's xterm in the panel and keeps it sized to it. */
export function TerminalView({ session, obtain }: { session: TerminalSession; obtain: (session: TerminalSession) => XtermHandle }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = container.current;
    if (!box) return;
    const handle = obtain(session);
    box.appendChild(handle.element);
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => handle.fit());
    });
    observer.observe(box);
    handle.fit();
    if (session.kind === 'shell') handle.focus();
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      if (handle.element.parentElement === box) box.removeChild(handle.element);
    };
    // The handle is per session id (this component is keyed on it); status changes need no re-run.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [obtain, session.id]);

  return (
    <div
      ref={container}
      data-testid="terminal"
      data-session-id={session.id}
      data-kind={session.kind}
      data-status={session.status}
      data-ready={session.status === 'ready' ? 'true' : 'false'}
      aria-label={`${session.title} terminal`}
      role="group"
      className="h-full w-full overflow-hidden py-1 pl-2"
    />
  );
}
