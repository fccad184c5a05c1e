'use client';

import { useStore } from '@nanostores/react';
import { useEffect, useRef, useState } from 'react';
import dynamic from 'next/dynamic';
import { ToolCard } from '@/components/agent/tool-card';
import { Button } from '@/components/ui/button';
import { formatTokens, type ChatItem, type CompactionItem } from '@/lib/agent/history';
import type { AgentStore } from '@/lib/stores/agent';

// Markdown (react-markdown + remark-gfm) loads with the first answer, not with the page.
const Markdown = dynamic(() => import('@/components/agent/markdown').then((m) => m.Markdown), {
  ssr: false,
  loading: () => null,
});

/** The conversation: user messages (editable) and answers with their tool cards. Follows the end while it grows. */
export function MessageList({ store }: { store: AgentStore }) {
  const items = useStore(store.items);
  const cards = useStore(store.cards);
  const status = useStore(store.status);
  const end = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    if (follow.current) end.current?.scrollIntoView({ block: 'end' });
  }, [items, cards]);

  if (items.length === 0 && status !== 'loading') {
    return (
      <div className="flex flex-1 items-center justify-center p-6 text-center text-sm text-zinc-500">
        Ask the agent to change the project: it reads and edits files, runs commands and tests, and fixes what fails.
      </div>
    );
  }
  return (
    <div
      ref={box}
      data-testid="agent-messages"
      role="log"
      aria-label="Conversation"
      aria-live="polite"
      aria-busy={status === 'running'}
      onScroll={(e) => {
        const el = e.currentTarget;
        follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
      className="min-h-0 flex-1 space-y-3 overflow-y-auto px-3 py-3"
    >
      {items.map((item, i) => (
        <Item key={item.id ?? `live-${i}`} item={item} store={store} idle={status === 'idle'} cards={cards} />
      ))}
      <div ref={end} />
    </div>
  );
}

function Item({ item, store, idle, cards }: { item: ChatItem; store: AgentStore; idle: boolean; cards: ReturnType<AgentStore['cards']['get']> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  if (item.kind === 'compaction') return <CompactionNotice item={item} />;
  if (item.kind === 'user') {
    if (editing && item.id) {
      return (
        <form
          className="ml-6 space-y-1"
          onSubmit={(e) => {
            e.preventDefault();
            setEditing(false);
            void store.editAndResend(item.id!, draft);
          }}
        >
          <label className="sr-only" htmlFor={`edit-${item.id}`}>
            Edit message
          </label>
          <textarea
            id={`edit-${item.id}`}
            data-testid="edit-message-input"
            value={draft}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            rows={3}
            className="w-full resize-y rounded-md border border-zinc-300 bg-white p-2 text-[13px] dark:border-zinc-700 dark:bg-zinc-900"
          />
          <div className="flex justify-end gap-2">
            <Button className="!px-2 !py-0.5 text-xs" onClick={() => setEditing(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" className="!px-2 !py-0.5 text-xs" data-testid="edit-message-send">
              Send
            </Button>
          </div>
        </form>
      );
    }
    return (
      <div data-testid="message" data-role="user" data-auto={item.auto ? 'true' : undefined} className="group ml-6 flex flex-col items-end">
        <div className={`max-w-full rounded-lg px-3 py-2 text-[13px] whitespace-pre-wrap ${item.auto ? 'border border-dashed border-amber-400 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-200' : 'bg-indigo-600 text-white'}`}>
          {item.auto && <span className="mb-1 block text-[11px] font-semibold uppercase">Automatic check</span>}
          {item.text}
          {item.images && item.images.length > 0 && (
            <span className="mt-1 flex flex-wrap gap-1">
              {item.images.map((url, i) =>
                url.startsWith('data:image/') ? (
                  // eslint-disable-next-line @next/next/no-img-element -- the user's own attached image, as a data URL
                  <img key={i} src={url} alt={`Attached image ${i + 1}`} className="size-16 rounded object-cover" />
                ) : null,
              )}
            </span>
          )}
        </div>
        {item.id && idle && !item.auto && (
          <button
            type="button"
            data-testid="edit-message"
            onClick={() => {
              setDraft(item.text);
              setEditing(true);
            }}
            className="mt-0.5 rounded px-1 text-[11px] text-zinc-500 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 hover:text-zinc-900 focus-visible:opacity-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:hover:text-zinc-100"
          >
            Edit and resend
          </button>
        )}
      </div>
    );
  }
  return (
    <div data-testid="message" data-role="assistant" data-streaming={item.streaming ? 'true' : undefined} className="space-y-2">
      {item.text && <Markdown text={item.text} />}
      {item.streaming && !item.text && item.callIds.length === 0 && (
        <p className="text-[13px] text-zinc-500" aria-label="Thinking">
          <span className="animate-pulse">●●●</span>
        </p>
      )}
      {item.callIds.length > 0 && (
        <div className="space-y-1.5">
          {item.callIds.map((id) => {
            const card = cards[id];
            return card ? <ToolCard key={id} card={card} onApprove={(run) => store.approve(id, run)} /> : null;
          })}
        </div>
      )}
      {item.usage && (
        <p className="text-[11px] text-zinc-400" data-testid="message-usage">
          {item.usage.promptTokens.toLocaleString('en')} in · {item.usage.completionTokens.toLocaleString('en')} out
        </p>
      )}
    </div>
  );
}

function CompactionNotice({ item }: { item: CompactionItem }) {
  return (
    <div role="status" data-testid="agent-compaction" data-version={item.version ?? undefined} data-before={item.before} data-after={item.after} className="flex flex-col items-center gap-0.5 text-center text-[11px] text-zinc-500">
      <p className="flex w-full items-center gap-2 before:h-px before:flex-1 before:bg-zinc-300 after:h-px after:flex-1 after:bg-zinc-300 dark:before:bg-zinc-700 dark:after:bg-zinc-700">
        {item.version === null ? 'Context trimmed for this call' : 'Context compacted'}: {formatTokens(item.before)} → {formatTokens(item.after)} tokens
      </p>
      {item.notice && <p className="text-amber-700 dark:text-amber-400">{item.notice}</p>}
    </div>
  );
}
