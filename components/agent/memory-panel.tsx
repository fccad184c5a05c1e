'use client';

import { useStore } from '@nanostores/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { errorText } from '@/lib/errors';
import type { AgentStore } from '@/lib/stores/agent';
import { useTRPC } from '@/lib/trpc/client';

/** What the agent keeps across compactions: the handoff note, plan, decisions and the pinned notes (AGENTS.md, editable). */
export function MemoryPanel({ store, projectId, readOnly }: { store: AgentStore; projectId: string; readOnly: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const chatId = useStore(store.chat);
  const status = useStore(store.status);
  const model = useStore(store.model);
  const query = useQuery({
    ...trpc.memory.get.queryOptions({ projectId, chatId: chatId ?? '', ...(model ? { model } : {}) }),
    enabled: chatId !== null,
  });
  const { refetch } = query;
  // A run or a compaction changes the memory: read it again when the agent is idle.
  useEffect(() => {
    if (status === 'idle' && chatId) void refetch();
  }, [status, chatId, refetch]);
  const memory = query.data;
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation(
    trpc.memory.setNotes.mutationOptions({
      onSuccess: () => {
        setDraft(null);
        void queryClient.invalidateQueries({ queryKey: trpc.files.tree.queryKey({ projectId }) });
        void refetch();
      },
    }),
  );

  const section = 'text-[11px] font-semibold tracking-wider text-zinc-500 uppercase';
  return (
    <section data-testid="agent-memory-panel" aria-label="Memory" className="max-h-[50%] space-y-2 overflow-y-auto border-b border-zinc-200 px-3 py-2 text-[12px] dark:border-zinc-800">
      {!chatId && <p className="text-zinc-500">The memory starts with the chat&apos;s first message.</p>}
      {memory && (
        <>
          <div>
            <h3 className={section}>Summary {memory.summary && `· v${memory.summary.version}`}</h3>
            <p data-testid="agent-memory-summary" className="whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">
              {memory.summary?.text ?? 'No compaction yet: the whole conversation is sent.'}
            </p>
          </div>
          <div>
            <h3 className={section}>Plan</h3>
            <ul data-testid="agent-memory-plan">
              {memory.plan.length === 0 && <li className="text-zinc-500">No plan.</li>}
              {memory.plan.map((p, i) => (
                <li key={i} data-status={p.status}>
                  [{p.status}] {p.title}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3 className={section}>Decisions</h3>
            <ul data-testid="agent-memory-decisions" className="list-disc pl-4">
              {memory.decisions.length === 0 && <li className="list-none text-zinc-500">None recorded.</li>}
              {memory.decisions.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          </div>
        </>
      )}
      {memory && (
        <form
          className="space-y-1"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft !== null) save.mutate({ projectId, text: draft, expectedVersion: memory.notes.version });
          }}
        >
          <label htmlFor="agent-memory-notes" className={section}>
            Pinned notes (AGENTS.md)
          </label>
          <textarea
            id="agent-memory-notes"
            data-testid="agent-memory-notes"
            value={draft ?? memory.notes.text ?? ''}
            readOnly={readOnly}
            placeholder="Notes the agent always sees: conventions, commands, things to avoid."
            onChange={(e) => setDraft(e.target.value)}
            rows={4}
            className="w-full resize-y rounded border border-zinc-300 bg-white p-1.5 font-mono text-[12px] dark:border-zinc-700 dark:bg-zinc-950"
          />
          {save.error && <p role="alert" className="text-red-700 dark:text-red-400">{errorText(save.error)}</p>}
          {!readOnly && (
            <Button type="submit" data-testid="agent-memory-notes-save" disabled={draft === null || save.isPending} className="!px-2 !py-0.5 text-xs">
              Save notes
            </Button>
          )}
        </form>
      )}
    </section>
  );
}
