'use client';

import '@xterm/xterm/css/xterm.css';
import { useStore } from '@nanostores/react';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import { ProblemsList } from '@/components/preview/problems-list';
import { TerminalView } from '@/components/terminal/terminal-view';
import { createXterm, type XtermHandle } from '@/components/terminal/xterm-host';
import { IconButton } from '@/components/ui/icon-button';
import { CloseIcon, PlusIcon, RefreshIcon } from '@/components/ui/icons';
import { useWorkbench } from '@/components/workbench/context';
import type { TerminalSession } from '@/lib/stores/terminals';

/** The bottom panel: terminal tabs (shells and the boot tasks' logs) and the Problems list. */
export function TerminalPanel({ readOnly }: { readOnly: boolean }) {
  const wb = useWorkbench();
  const view = useStore(wb.bottom);
  const sessions = useStore(wb.terminals.sessions);
  const activeId = useStore(wb.terminals.active);
  const problems = useStore(wb.preview.problems);
  const handles = useRef(new Map<string, XtermHandle>());
  const active = sessions.find((s) => s.id === activeId);

  useEffect(() => {
    const map = handles.current;
    return () => {
      for (const h of map.values()) h.dispose();
      map.clear();
    };
  }, []);

  useEffect(() => {
    const live = new Set(sessions.map((s) => s.id));
    for (const [id, h] of handles.current) {
      if (!live.has(id)) {
        h.dispose();
        handles.current.delete(id);
      }
    }
  }, [sessions]);

  const openLink = useCallback((url: string) => {
    // "http://localhost:5173" from a dev server's banner means its preview, which lives elsewhere.
    const port = /^https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0):(\d+)/.exec(url)?.[1];
    const servers = wb.preview.servers.get();
    if (port && servers[Number(port)]) {
      wb.preview.selectPort(Number(port));
      wb.togglePanel('preview', true);
      return;
    }
    window.open(url, '_blank', 'noopener,noreferrer');
  }, [wb]);

  const obtain = useCallback(
    (session: TerminalSession): XtermHandle => {
      let handle = handles.current.get(session.id);
      if (!handle) {
        handle = createXterm(wb.terminals, session.id, { readOnly: readOnly || session.kind === 'task', openLink });
        handles.current.set(session.id, handle);
      }
      return handle;
    },
    [wb, readOnly, openLink],
  );

  return (
    <section aria-label="Terminal and problems" data-testid="terminal-panel" className="flex h-full min-h-0 flex-col bg-white dark:bg-zinc-950">
      <div className="flex h-8 shrink-0 items-center gap-1 border-b border-zinc-200 px-2 dark:border-zinc-800">
        <div role="tablist" aria-label="Panel views" className="flex items-center gap-1">
          <ViewTab selected={view === 'terminal'} onSelect={() => wb.showBottom('terminal')}>
            Terminal
          </ViewTab>
          <ViewTab selected={view === 'problems'} onSelect={() => wb.showBottom('problems')}>
            Problems
            {problems.length > 0 && (
              <span className="ml-1 rounded-full bg-red-600 px-1.5 text-[10px] leading-4 font-semibold text-white">{problems.length}</span>
            )}
          </ViewTab>
        </div>
        {view === 'terminal' && (
          <>
            <div role="tablist" aria-label="Terminals" className="ml-3 flex min-w-0 flex-1 items-center gap-0.5 overflow-x-auto">
              {sessions.map((s) => (
                <div
                  key={s.id}
                  role="tab"
                  tabIndex={s.id === activeId ? 0 : -1}
                  aria-selected={s.id === activeId}
                  data-testid="terminal-tab"
                  data-session-id={s.id}
                  data-kind={s.kind}
                  onClick={() => wb.terminals.activate(s.id)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') wb.terminals.activate(s.id);
                  }}
                  className={`group flex h-6 shrink-0 cursor-pointer items-center gap-1 rounded px-2 text-xs outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 ${
                    s.id === activeId ? 'bg-zinc-200 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100' : 'text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-900'
                  }`}
                >
                  <StatusDot session={s} />
                  {s.title}
                  {s.kind === 'shell' && (
                    <button
                      type="button"
                      tabIndex={-1}
                      aria-label={`Close ${s.title}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        wb.terminals.close(s.id);
                      }}
                      className="ml-0.5 inline-flex size-4 items-center justify-center rounded opacity-60 hover:bg-zinc-300 hover:opacity-100 dark:hover:bg-zinc-700"
                    >
                      <CloseIcon size={10} />
                    </button>
                  )}
                </div>
              ))}
            </div>
            {!readOnly && (
              <IconButton label="New terminal" onClick={() => wb.terminals.openShell()}>
                <PlusIcon />
              </IconButton>
            )}
            {active?.kind === 'shell' && (active.status === 'exited' || active.status === 'failed') && (
              <IconButton label="Restart terminal" onClick={() => wb.terminals.restart(active.id)}>
                <RefreshIcon />
              </IconButton>
            )}
          </>
        )}
        {view === 'problems' && <div className="flex-1" />}
        <IconButton label="Hide panel" onClick={() => wb.togglePanel('terminal', false)}>
          <CloseIcon />
        </IconButton>
      </div>
      <div className="relative min-h-0 flex-1">
        {view === 'problems' ? (
          <ProblemsList />
        ) : active ? (
          <TerminalView key={active.id} session={active} obtain={obtain} />
        ) : (
          <div className="flex h-full items-center justify-center gap-2 text-sm text-zinc-500">
            {readOnly ? (
              'No terminal is running.'
            ) : (
              <button type="button" className="text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => wb.terminals.openShell()}>
                Open a terminal
              </button>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

function ViewTab({ selected, onSelect, children }: { selected: boolean; onSelect: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={selected}
      onClick={onSelect}
      className={`flex h-6 items-center rounded px-2 text-[11px] font-semibold tracking-wider uppercase focus-visible:outline-2 focus-visible:outline-indigo-500 ${
        selected ? 'text-zinc-900 underline decoration-indigo-500 decoration-2 underline-offset-[7px] dark:text-zinc-100' : 'text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200'
      }`}
    >
      {children}
    </button>
  );
}

function StatusDot({ session }: { session: TerminalSession }) {
  const color =
    session.status === 'failed' || (session.status === 'exited' && session.exit?.code !== 0)
      ? 'bg-red-500'
      : session.status === 'exited'
        ? 'bg-zinc-400'
        : session.status === 'busy' || session.status === 'starting'
          ? 'bg-amber-500'
          : 'bg-emerald-500';
  return <span aria-hidden="true" className={`size-1.5 rounded-full ${color}`} />;
}
