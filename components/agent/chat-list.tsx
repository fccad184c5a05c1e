'use client';

import { useStore } from '@nanostores/react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorText } from '@/lib/errors';
import type { AgentStore } from '@/lib/stores/agent';
import { useTRPC } from '@/lib/trpc/client';

/** The project's chats, newest first: switch, create, rename, delete. */
export function ChatList({ store, projectId, readOnly }: { store: AgentStore; projectId: string; readOnly: boolean }) {
  const trpc = useTRPC();
  const current = useStore(store.chat);
  const status = useStore(store.status);
  const chats = useQuery(trpc.chat.list.queryOptions({ projectId }));
  const { refetch } = chats;
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  // A first message creates and titles a chat: read the list again when a run ends.
  useEffect(() => {
    if (status === 'idle') void refetch();
  }, [status, current, refetch]);
  const done = { onSuccess: () => void refetch() };
  const create = useMutation(trpc.chat.create.mutationOptions({ onSuccess: (chat) => void store.openChat(chat.id).then(() => refetch()) }));
  const rename = useMutation(trpc.chat.rename.mutationOptions(done));
  const remove = useMutation(
    trpc.chat.delete.mutationOptions({
      onSuccess: (_r, input) => {
        if (input.chatId === store.chatId) store.newChat();
        void refetch();
      },
    }),
  );
  const busy = status !== 'idle';
  const error = create.error ?? rename.error ?? remove.error;
  return (
    <section data-testid="agent-chat-list" aria-label="Chats" className="max-h-[40%] overflow-y-auto border-b border-zinc-200 px-2 py-1.5 text-[12px] dark:border-zinc-800">
      {!readOnly && (
        <button type="button" data-testid="agent-chat-create" disabled={busy} onClick={() => create.mutate({ projectId })} className="mb-1 rounded px-1.5 py-0.5 text-indigo-700 hover:bg-zinc-200 disabled:opacity-40 dark:text-indigo-300 dark:hover:bg-zinc-800">
          + New chat
        </button>
      )}
      {error && <p role="alert" className="px-1.5 text-red-700 dark:text-red-400">{errorText(error)}</p>}
      <ul>
        {chats.data?.map((chat) => (
          <li key={chat.id} data-testid="agent-chat-item" data-chat-id={chat.id} data-active={chat.id === current ? 'true' : undefined} className={`group flex items-center gap-1 rounded px-1.5 py-0.5 ${chat.id === current ? 'bg-zinc-200 dark:bg-zinc-800' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800/60'}`}>
            {renaming?.id === chat.id ? (
              <form
                className="flex flex-1 gap-1"
                onSubmit={(e) => {
                  e.preventDefault();
                  rename.mutate({ projectId, chatId: chat.id, title: renaming.title });
                  setRenaming(null);
                }}
              >
                <label htmlFor={`rename-${chat.id}`} className="sr-only">
                  Chat title
                </label>
                <input id={`rename-${chat.id}`} data-testid="agent-chat-title-input" autoFocus maxLength={100} value={renaming.title} onChange={(e) => setRenaming({ id: chat.id, title: e.target.value })} className="min-w-0 flex-1 rounded border border-zinc-300 bg-white px-1 dark:border-zinc-700 dark:bg-zinc-950" />
                <button type="submit" data-testid="agent-chat-title-save" className="rounded px-1 hover:bg-zinc-300 dark:hover:bg-zinc-700">
                  Save
                </button>
              </form>
            ) : (
              <button type="button" data-testid="agent-chat-open" disabled={busy} onClick={() => void store.openChat(chat.id)} className="min-w-0 flex-1 truncate text-left disabled:opacity-60">
                {chat.title}
              </button>
            )}
            {!readOnly && renaming?.id !== chat.id && (
              <span className="flex gap-0.5 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100">
                <button type="button" data-testid="agent-chat-rename" onClick={() => setRenaming({ id: chat.id, title: chat.title })} className="rounded px-1 text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100">
                  Rename
                </button>
                {confirming === chat.id ? (
                  <button type="button" data-testid="agent-chat-delete-confirm" disabled={busy} onClick={() => (setConfirming(null), remove.mutate({ projectId, chatId: chat.id }))} className="rounded px-1 text-red-700 dark:text-red-400">
                    Delete?
                  </button>
                ) : (
                  <button type="button" data-testid="agent-chat-delete" onClick={() => setConfirming(chat.id)} className="rounded px-1 text-zinc-500 hover:text-red-700">
                    Delete
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
