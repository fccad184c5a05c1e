'use client';

import { useStore } from '@nanostores/react';
import { formatTokens } from '@/lib/agent/history';
import type { AgentStore } from '@/lib/stores/agent';

/** Used / window of the last prompt ("21k / 128k"), and "Compact now". */
export function ContextMeter({ store, readOnly }: { store: AgentStore; readOnly: boolean }) {
  const context = useStore(store.context);
  const status = useStore(store.status);
  const chatId = useStore(store.chat);
  if (!context) return null;
  const share = Math.min(1, context.used / context.window);
  const tone = share > 0.8 ? 'bg-red-500' : share > 0.6 ? 'bg-amber-500' : 'bg-indigo-500';
  return (
    <div className="flex items-center gap-2 border-b border-zinc-200 px-3 py-1 text-[11px] text-zinc-500 dark:border-zinc-800">
      <span
        data-testid="agent-context-meter"
        data-used={context.used}
        data-window={context.window}
        title={`${context.used.toLocaleString('en')} of ${context.window.toLocaleString('en')} tokens in the last prompt`}
        className="flex items-center gap-1.5"
      >
        <span className="sr-only">Context:</span>
        <span aria-hidden="true" className="h-1.5 w-16 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
          <span className={`block h-full ${tone}`} style={{ width: `${Math.max(2, share * 100)}%` }} />
        </span>
        {formatTokens(context.used)} / {formatTokens(context.window)}
      </span>
      {!readOnly && chatId && (
        <button
          type="button"
          data-testid="agent-compact-now"
          disabled={status !== 'idle'}
          onClick={() => void store.compactNow()}
          className="ml-auto rounded px-1.5 py-0.5 hover:bg-zinc-200 hover:text-zinc-900 disabled:opacity-40 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        >
          Compact now
        </button>
      )}
    </div>
  );
}
