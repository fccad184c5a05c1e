'use client';

import { AgentPanel } from '@/components/agent/agent-panel';

/** The agent panel's place in the layout (the panel builds its store from the workbench). */
export function AgentSlot({ projectId }: { projectId: string }) {
  return (
    <div className="h-full" data-project-id={projectId}>
      <AgentPanel />
    </div>
  );
}
