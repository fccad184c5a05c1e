'use client';

import { AgentPanel } from '@/components/agent/agent-panel';

/**
 * The agent panel's place in the layout (the panel builds its store from the workbench). In a workshop
 * whose teacher turned the agent off (`agentOff`: the workshop's title) it says so instead; chat.send
 * refuses such turns on the server too.
 */
export function AgentSlot({ projectId, agentOff }: { projectId: string; agentOff?: string }) {
  if (agentOff !== undefined) {
    return (
      <div className="h-full p-4 text-sm text-zinc-600 dark:text-zinc-300" data-project-id={projectId}>
        <p role="status" data-testid="agent-off">
          The teacher has turned the agent off for the workshop &ldquo;{agentOff}&rdquo;.
        </p>
      </div>
    );
  }
  return (
    <div className="h-full" data-project-id={projectId}>
      <AgentPanel />
    </div>
  );
}
