'use client';

import { useStore } from '@nanostores/react';
import { useState } from 'react';
import { DiffStat, DiffView } from '@/components/agent/diff-view';
import { Button } from '@/components/ui/button';
import { ChevronIcon } from '@/components/ui/icons';
import type { AgentStore } from '@/lib/stores/agent';

/** The files each turn changed, with their diffs and "Revert this turn". */
export function TurnChanges({ store }: { store: AgentStore }) {
  const turns = useStore(store.turns).filter((t) => t.changes.length > 0);
  const status = useStore(store.status);
  if (turns.length === 0) return null;
  const turn = turns[turns.length - 1]!;
  return (
    <section aria-label="Changes of the last turn" data-testid="turn-changes" className="border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-[11px] font-semibold tracking-wider text-zinc-500 uppercase">
          {turn.changes.length} file{turn.changes.length === 1 ? '' : 's'} changed {turn.reverted && '· reverted'}
        </h3>
        <Button
          className="!px-2 !py-0.5 text-xs"
          data-testid="revert-turn"
          disabled={turn.reverted || status !== 'idle'}
          onClick={() => void store.revertTurn(turn.id)}
        >
          Revert this turn
        </Button>
      </div>
      <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto">
        {turn.changes.map((c) => (
          <Change key={c.path} path={c.path} before={c.before} after={c.after} />
        ))}
      </ul>
    </section>
  );
}

function Change({ path, before, after }: { path: string; before: string | null; after: string | null }) {
  const [open, setOpen] = useState(false);
  const what = before === null ? 'added' : after === null ? 'deleted' : 'modified';
  return (
    <li data-testid="turn-change" data-path={path}>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)} className="flex w-full items-center gap-1.5 rounded px-1 py-0.5 text-left text-[12px] hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:bg-zinc-800">
        <ChevronIcon size={11} className={`text-zinc-400 ${open ? 'rotate-90' : ''}`} />
        <span className="min-w-0 flex-1 truncate font-mono">{path}</span>
        <span className="text-[11px] text-zinc-500">{what}</span>
        <DiffStat before={before} after={after} />
      </button>
      {open && (
        <div className="my-1 rounded border border-zinc-200 dark:border-zinc-800">
          <DiffView before={before} after={after} path={path} />
        </div>
      )}
    </li>
  );
}
