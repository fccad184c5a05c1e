'use client';

import { AgentIcon } from '@/components/ui/icons';

// TODO(#6): render AgentPanel from components/agent/agent-panel.tsx here once it exists.
export function AgentSlot({ projectId }: { projectId: string }) {
  return (
    <section aria-label="Agent" data-project-id={projectId} className="flex h-full flex-col bg-zinc-50 dark:bg-zinc-900">
      <h2 className="flex h-9 shrink-0 items-center gap-2 border-b border-zinc-200 px-3 text-[11px] font-semibold tracking-wider text-zinc-500 uppercase dark:border-zinc-800">
        <AgentIcon size={14} /> Agent
      </h2>
      <p className="p-4 text-sm text-zinc-500">The coding agent will appear here.</p>
    </section>
  );
}
