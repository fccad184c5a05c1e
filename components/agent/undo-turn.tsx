'use client';

import { useStore } from '@nanostores/react';
import { Button } from '@/components/ui/button';
import type { AgentStore } from '@/lib/stores/agent';

/** "Undo last agent turn": the project's files (its commands' changes too) and the conversation as before the turn. */
export function UndoTurn({ store }: { store: AgentStore }) {
  const items = useStore(store.items);
  const status = useStore(store.status);
  if (!items.some((i) => i.kind === 'assistant')) return null;
  return (
    <div className="flex justify-end border-t border-zinc-200 px-3 py-1.5 dark:border-zinc-800">
      <Button className="!px-2 !py-0.5 text-xs" data-testid="undo-last-turn" disabled={status !== 'idle'} onClick={() => void store.undoLastTurn()}>
        Undo last agent turn
      </Button>
    </div>
  );
}
