import type { AgentEnvironment } from '@/lib/agent/environment';
import type { TurnTransport } from '@/lib/agent/runner';
import type { ChatApi } from '@/lib/agent/chat-api';
import type { TurnHistory } from '@/lib/stores/agent-history';

// The agent store's public shapes (lib/stores/agent.ts).

export interface AgentBanner {
  code: string;
  message: string;
  retryable: boolean;
}

export type AgentStatus = 'loading' | 'idle' | 'running' | 'stopping';

export interface AgentStoreOptions {
  /** Checkpoints around each turn; without it (tests of the loop alone) none are taken. */
  history?: TurnHistory;
  projectId: string;
  env: AgentEnvironment;
  chat: ChatApi;
  transport: TurnTransport;
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  storageKey?: string;
  fixBudget?: number;
}

/** The fix budget's notice: the agent stopped retrying a failing check. */
export interface AgentFeedback {
  used: number;
  budget: number;
  reason: string;
}
