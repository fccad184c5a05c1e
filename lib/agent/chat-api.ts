import type { PlanItem } from '@/lib/agent/environment';
import type { StoredCompaction, StoredMessage } from '@/lib/agent/history';

// What the agent store needs from the chat router (components/agent/use-agent-store.ts adapts
// the tRPC client to it; tests call the router directly).

export interface ModelInfo {
  configured: boolean;
  models: string[];
  defaultModel: string | null;
  setupHint: string | null;
}

/** The chat router, as the store needs it (the workbench adapts the tRPC client to this). */
export interface ChatApi {
  models(): Promise<ModelInfo>;
  /** The project's most recent chat (null: none yet; it is created with the first message). */
  latestChat(): Promise<string | null>;
  createChat(): Promise<string>;
  messages(chatId: string): Promise<{ plan: PlanItem[]; messages: StoredMessage[]; compactions: StoredCompaction[] }>;
  truncateFrom(chatId: string, messageId: string): Promise<void>;
  /** The prompt the chat's next model call would send (tokens) and the model's window (memory.get). */
  context(chatId: string, model: string | undefined): Promise<ContextSize>;
  /** "Compact now" (chat.compact). */
  compact(chatId: string, model: string | undefined): Promise<void>;
}

export interface ContextSize {
  used: number;
  window: number;
}
