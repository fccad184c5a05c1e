import { atom, computed, type ReadableAtom } from 'nanostores';
import type { PlanItem } from '@/lib/agent/environment';
import { addUsage, cardFor, NO_USAGE, endStreaming, itemsFromHistory, streamEvent, updateCard, type AssistantItem, type ChatItem, type ToolCard } from '@/lib/agent/history';
import type { TurnEvent, Usage } from '@/lib/agent/protocol';
import { AgentRunner, type RunnerSink, type TurnFailure } from '@/lib/agent/runner';
import { ProcessRegistry } from '@/lib/agent/tools';
import type { ContextSize, ModelInfo } from '@/lib/agent/chat-api';
import { errorText } from '@/lib/errors';
import { TurnCheckpoints } from '@/lib/stores/agent-history';
import { ModelChoice } from '@/lib/stores/agent-model';
import type { AgentBanner, AgentFeedback, AgentStatus, AgentStoreOptions } from '@/lib/stores/agent-types';

export type { ChatApi, ModelInfo } from '@/lib/agent/chat-api';
export type { TurnHistory } from '@/lib/stores/agent-history';
export type { AgentBanner, AgentFeedback, AgentStatus, AgentStoreOptions } from '@/lib/stores/agent-types';

// The agent panel's state for one project page: the conversation and its tool cards, the running
// state, token usage, the model picker, the plan, the error banner and the fix budget; checkpoints around
// each turn and "undo last agent turn" are ./agent-history, the model picker ./agent-model. The loop itself is lib/agent/runner; this store is its sink and its remote.

export class AgentStore {
  readonly #items = atom<ChatItem[]>([]);
  readonly #cards = atom<Record<string, ToolCard>>({});
  readonly #status = atom<AgentStatus>('loading');
  readonly #chat = atom<string | null>(null);
  readonly #storedUsage = atom<Usage>(NO_USAGE);
  /** Usage of answers streamed since the last reload (not yet in the stored total). */
  readonly #liveUsage = atom<Usage>(NO_USAGE);
  readonly #plan = atom<PlanItem[]>([]);
  readonly #banner = atom<AgentBanner | null>(null);
  readonly #feedback = atom<AgentFeedback | null>(null);
  readonly #retrying = atom<string | null>(null);
  readonly #context = atom<ContextSize | null>(null);

  readonly items: ReadableAtom<ChatItem[]> = this.#items;
  readonly cards: ReadableAtom<Record<string, ToolCard>> = this.#cards;
  readonly status: ReadableAtom<AgentStatus> = this.#status;
  /** The conversation shown (null: a new chat, made with its first message). */
  readonly chat: ReadableAtom<string | null> = this.#chat;
  /** The last prompt's size and the model's window (the context meter). */
  readonly context: ReadableAtom<ContextSize | null> = this.#context;
  readonly modelInfo: ReadableAtom<ModelInfo | null>;
  readonly model: ReadableAtom<string | null>;
  readonly plan: ReadableAtom<PlanItem[]> = this.#plan;
  readonly banner: ReadableAtom<AgentBanner | null> = this.#banner;
  readonly feedback: ReadableAtom<AgentFeedback | null> = this.#feedback;
  /** "Rate limited, retrying in 2 s" while the server backs off. */
  readonly retrying: ReadableAtom<string | null> = this.#retrying;
  /** Tokens of the whole chat: stored answers plus what streamed since the last reload. */
  readonly usage: ReadableAtom<Usage> = computed([this.#storedUsage, this.#liveUsage], addUsage);
  /** Tool calls waiting for the user's click. */
  readonly pendingApprovals: ReadableAtom<ToolCard[]> = computed(this.#cards, (cards) => Object.values(cards).filter((c) => c.status === 'approval'));

  readonly #o: AgentStoreOptions;
  readonly #processes = new ProcessRegistry();
  readonly #runner: AgentRunner;
  readonly #approvals = new Map<string, (ok: boolean) => void>();
  readonly #checkpoints: TurnCheckpoints;
  readonly #choice: ModelChoice;
  #disposed = false;

  constructor(options: AgentStoreOptions) {
    this.#o = options;
    this.#checkpoints = new TurnCheckpoints(options.history);
    this.#choice = new ModelChoice(options.storage, options.storageKey);
    this.modelInfo = this.#choice.info;
    this.model = this.#choice.model;
    this.#runner = new AgentRunner({
      env: options.env,
      transport: options.transport,
      sink: this.#sink(),
      processes: this.#processes,
      projectId: options.projectId,
      chatId: () => this.chatId ?? '',
      model: () => this.#choice.current,
      fixBudget: options.fixBudget,
    });
  }

  get chatId(): string | null {
    return this.#chat.get();
  }

  /** Loads the model list and the latest chat. */
  async init(): Promise<void> {
    try {
      const info = await this.#o.chat.models();
      this.#choice.load(info);
      if (!info.configured) this.#banner.set({ code: 'unavailable:model', message: info.setupHint ?? 'No model is configured.', retryable: false });
      this.#chat.set(await this.#o.chat.latestChat());
      await this.#reload();
    } catch (error) {
      this.#banner.set({ code: 'load', message: `Could not load the conversation: ${errorText(error)}`, retryable: false });
    } finally {
      if (this.#status.get() === 'loading') this.#status.set('idle');
    }
  }

  pickModel(model: string): void {
    this.#choice.pick(model);
  }

  send(text: string, images?: string[]): Promise<void> {
    const trimmed = text.trim();
    if ((!trimmed && !images?.length) || !this.#canRun()) return Promise.resolve();
    this.#items.set([...this.#items.get(), { kind: 'user', id: null, text: trimmed, ...(images?.length ? { images } : {}) }]);
    return this.#drive(trimmed, () => this.#runner.send(trimmed, images));
  }

  /** After an error: resend or resume. Otherwise: answer the last message again. */
  async retry(): Promise<void> {
    if (!this.#canRun()) return;
    const banner = this.#banner.get();
    if (!banner?.retryable) {
      const items = this.#items.get();
      const lastUser = items.findLastIndex((i) => i.kind === 'user');
      const firstAnswer = items.slice(lastUser + 1).find((i): i is AssistantItem => i.kind === 'assistant' && i.id !== null);
      if (firstAnswer?.id && this.chatId) {
        await this.#o.chat.truncateFrom(this.chatId, firstAnswer.id);
        this.#items.set(items.slice(0, items.indexOf(firstAnswer)));
      }
    }
    const prompt = [...this.#items.get()].reverse().find((i) => i.kind === 'user')?.text ?? '';
    return this.#drive(prompt, () => this.#runner.retry());
  }

  /** Replaces a user message (and everything after it) with new text, and sends it. */
  async editAndResend(messageId: string, text: string): Promise<void> {
    if (!this.#canRun() || !this.chatId || !text.trim()) return;
    await this.#o.chat.truncateFrom(this.chatId, messageId);
    const items = this.#items.get();
    const at = items.findIndex((i) => i.id === messageId);
    if (at >= 0) this.#items.set(items.slice(0, at));
    return this.send(text);
  }

  stop(): void {
    if (this.#status.get() !== 'running') return;
    this.#status.set('stopping');
    this.#runner.stop();
    for (const resolve of this.#approvals.values()) resolve(false);
  }

  /** The user's click on a card waiting for approval. */
  approve(callId: string, run: boolean): void {
    const resolve = this.#approvals.get(callId);
    this.#approvals.delete(callId);
    resolve?.(run);
  }

  /** Starts over: the chat itself is created with its first message. */
  newChat(): void {
    if (this.#canRun()) this.#reset(null);
  }

  /** Shows another conversation (a restore continues in a copy of the chat); null starts a new one. */
  async openChat(chatId: string | null): Promise<void> {
    if (this.#disposed || this.#status.get() === 'running' || chatId === this.chatId) return;
    this.#reset(chatId);
    await this.#reload().catch((error: unknown) => this.#banner.set({ code: 'load', message: `Could not load the conversation: ${errorText(error)}`, retryable: false }));
  }

  /** "Compact now": the server summarizes the older turns; the list then shows the notice. */
  async compactNow(): Promise<void> {
    const chatId = this.chatId;
    if (!chatId || !this.#canRun()) return;
    this.#status.set('running');
    try {
      await this.#o.chat.compact(chatId, this.#choice.current);
    } catch (error) {
      this.#banner.set({ code: 'compact', message: `Could not compact: ${errorText(error)}`, retryable: false });
    } finally {
      await this.#reload().catch((error: unknown) => console.warn('agent: could not reload the conversation:', error));
      this.#status.set('idle');
    }
  }

  /** Puts the project back as it was before the last turn: every file it changed (its commands' too) and the conversation. */
  async undoLastTurn(): Promise<void> {
    if (!this.#checkpoints.enabled || !this.#canRun()) return;
    this.#status.set('running');
    try {
      const { chatId } = await this.#checkpoints.undo(this.chatId);
      this.#status.set('idle');
      if (chatId !== this.chatId) await this.openChat(chatId);
      else await this.#reload();
    } catch (error) {
      this.#banner.set({ code: 'undo', message: errorText(error), retryable: false });
    } finally {
      this.#status.set('idle');
    }
  }

  dismissBanner(): void {
    if (this.#banner.get()?.code !== 'unavailable:model') this.#banner.set(null);
  }

  dispose(): void {
    this.#disposed = true;
    this.#runner.stop();
    for (const resolve of this.#approvals.values()) resolve(false);
    this.#processes.dispose();
  }

  #canRun(): boolean {
    return !this.#disposed && this.#status.get() === 'idle' && this.#choice.info.get()?.configured !== false;
  }

  async #drive(prompt: string, run: () => Promise<void>): Promise<void> {
    this.#status.set('running');
    this.#banner.set(null);
    this.#feedback.set(null);
    let chatId: string | null = null;
    let started = false;
    try {
      chatId = this.chatId ?? (await this.#o.chat.createChat());
      this.#chat.set(chatId);
      started = await this.#checkpoints.before(chatId, prompt, this.#problem);
      await run();
    } catch (error) {
      this.#banner.set({ code: 'internal', message: errorText(error), retryable: false });
    } finally {
      this.#retrying.set(null);
      if (started && chatId && !this.#disposed) await this.#checkpoints.after(chatId, prompt, this.#problem);
      if (!this.#disposed) {
        await this.#reload().catch((error: unknown) => console.warn('agent: could not reload the conversation:', error));
        this.#status.set('idle');
      }
    }
  }

  /** The server's copy of the conversation; live-only card details (diffs, exit codes) are kept. */
  async #reload(): Promise<void> {
    if (!this.chatId) return;
    const chatId = this.chatId;
    const [{ plan, messages, compactions }, context] = await Promise.all([
      this.#o.chat.messages(chatId),
      this.#o.chat.context(chatId, this.#choice.current).catch(() => null),
    ]);
    if (chatId !== this.chatId) return;
    const { items, cards } = itemsFromHistory(messages, compactions);
    this.#context.set(context);
    const live = this.#cards.get();
    for (const [id, card] of Object.entries(cards)) if (live[id]?.detail) cards[id] = { ...card, detail: live[id].detail, reason: live[id].reason };
    this.#items.set(items);
    this.#cards.set(cards);
    this.#plan.set(plan);
    this.#storedUsage.set(messages.reduce((sum, m) => (m.usage ? addUsage(sum, m.usage) : sum), NO_USAGE));
    this.#liveUsage.set(NO_USAGE);
  }

  #reset(chatId: string | null): void {
    this.#chat.set(chatId);
    this.#context.set(null);
    this.#items.set([]);
    this.#cards.set({});
    this.#plan.set([]);
    this.#storedUsage.set(NO_USAGE);
    this.#liveUsage.set(NO_USAGE);
    this.#banner.set(null);
    this.#feedback.set(null);
  }

  /** A history failure is shown unless a banner already is (the turn's own error comes first). */
  readonly #problem = (message: string): void => {
    if (!this.#banner.get()) this.#banner.set({ code: 'checkpoint', message, retryable: false });
  };

  #onEvent(event: TurnEvent): void {
    this.#items.set(streamEvent(this.#items.get(), event));
    if (event.type === 'start') this.#retrying.set(null);
    else if (event.type === 'retrying') this.#retrying.set(`${event.reason} — retrying in ${Math.ceil(event.delayMs / 1000)} s (attempt ${event.attempt})`);
    else if (event.type === 'context') this.#context.set({ used: event.used, window: event.window });
    else if (event.type === 'tool_calls') this.#cards.set({ ...this.#cards.get(), ...Object.fromEntries(event.calls.map((c) => [c.id, cardFor(c)])) });
    else if (event.type === 'usage') {
      this.#liveUsage.set(addUsage(this.#liveUsage.get(), event.usage));
    }
  }

  #sink(): RunnerSink {
    return {
      event: (event) => this.#onEvent(event),
      toolStatus: (call, status, extra) => {
        const cards = this.#cards.get();
        this.#cards.set({ ...cards, [call.id]: updateCard(cards[call.id] ?? cardFor(call), status, extra) });
      },
      approve: (call) => new Promise<boolean>((resolve) => this.#approvals.set(call.id, resolve)),
      plan: (items) => this.#plan.set(items),
      feedback: (used, budget, reason) => this.#feedback.set({ used, budget, reason }),
      failure: (failure: TurnFailure) => this.#banner.set({ code: failure.code, message: failure.message, retryable: failure.retryable }),
      settled: () => {
        this.#items.set(endStreaming(this.#items.get()));
      },
    };
  }
}
