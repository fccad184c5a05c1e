import { errorText } from '@/lib/errors';

// Checkpoints around each agent turn and "undo last agent turn", for the agent store: the store decides
// when a turn starts and ends; this module talks to the project's history and turns failures into banners.

/** The project's server-side history, as the agent store uses it (server/api/routers/history.ts). */
export interface TurnHistory {
  checkpoint(kind: 'turn_start' | 'turn_end', chatId: string, message: string): Promise<void>;
  /** Resolves once the sandbox's file changes so far (the turn's commands) are saved to the database. */
  settle(): Promise<void>;
  /** Restores the state before the chat's last turn; returns the chat to continue in. */
  undoLastTurn(chatId: string | null): Promise<{ chatId: string | null }>;
}

export class TurnCheckpoints {
  readonly #history: TurnHistory | undefined;

  constructor(history: TurnHistory | undefined) {
    this.#history = history;
  }

  /** Without a history (tests of the loop alone) no checkpoints are taken and nothing can be undone. */
  get enabled(): boolean {
    return this.#history !== undefined;
  }

  /** The checkpoint before a turn; false when none was taken (so none is taken after it either). */
  before(chatId: string, prompt: string, problem: (message: string) => void): Promise<boolean> {
    return this.#take('turn_start', chatId, `Before: ${prompt}`, problem);
  }

  /** The checkpoint after a turn, once the turn's commands' file changes have reached the database, so it holds them. */
  async after(chatId: string, prompt: string, problem: (message: string) => void): Promise<void> {
    await this.#history?.settle().catch((error: unknown) => console.warn('agent: sandbox changes not yet saved:', error));
    await this.#take('turn_end', chatId, `After: ${prompt}`, problem);
  }

  /** Puts the project back as it was before the chat's last turn; resolves to the chat to continue in. */
  async undo(chatId: string | null): Promise<{ chatId: string | null }> {
    if (!this.#history) return { chatId };
    return this.#history.undoLastTurn(chatId);
  }

  /** A failure is reported but does not stop the turn. */
  async #take(kind: 'turn_start' | 'turn_end', chatId: string, message: string, problem: (message: string) => void): Promise<boolean> {
    if (!this.#history) return false;
    try {
      await this.#history.checkpoint(kind, chatId, message.length > 200 ? `${message.slice(0, 199)}…` : message);
      return true;
    } catch (error) {
      problem(`Could not save a checkpoint: ${errorText(error)}`);
      return false;
    }
  }
}
