import { ChangeSet, type AgentEnvironment, type PlanItem } from '@/lib/agent/environment';
import { autoFeedback, problemKeys, type CommandRecord } from '@/lib/agent/feedback';
import { decide, type Decision } from '@/lib/agent/policy';
import { isServerTool, type ToolCall, type ToolResult, type TurnEvent, type TurnInput, type TurnRequest } from '@/lib/agent/protocol';
import { executeTool, type ProcessRegistry, type ToolOutcome } from '@/lib/agent/tools';
import { errorText, type AppErrorCode } from '@/lib/errors';

// The agent loop in the browser: send a turn (chat.send), read its event stream, run the tool calls the model
// made (after the approval policy, maybe the user's click), send the results, and go on until the
// model answers without tool calls, the server's step limit, an error, or Stop. When the agent's
// own command failed or the preview reports new runtime errors after its edits, it continues by
// itself with that evidence, at most `fixBudget` times per user message.

/** Sends one turn and yields its events (a refused turn: one `error` event); throws when the server cannot be reached. */
export type TurnTransport = (request: TurnRequest, signal: AbortSignal) => Promise<AsyncIterable<TurnEvent> | Iterable<TurnEvent>>;

export class TurnFailure extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export type ToolStatus = 'queued' | 'approval' | 'running' | 'done' | 'failed' | 'denied' | 'skipped';

/** What the runner reports; the agent store implements it. */
export interface RunnerSink {
  event(event: TurnEvent): void;
  toolStatus(call: ToolCall, status: ToolStatus, extra?: { decision?: Decision; outcome?: ToolOutcome }): void;
  /** Resolves true (run) or false (skip) when the user clicks; the runner races it with Stop. */
  approve(call: ToolCall, decision: Extract<Decision, { action: 'ask' }>): Promise<boolean>;
  plan(items: PlanItem[]): void;
  feedback(used: number, budget: number, reason: string): void;
  failure(error: TurnFailure): void;
  /** The loop ended (answer, error or stop). */
  settled(reason: 'answered' | 'error' | 'stopped' | 'budget'): void;
}

export interface RunnerOptions {
  env: AgentEnvironment;
  transport: TurnTransport;
  sink: RunnerSink;
  processes: ProcessRegistry;
  projectId: string;
  chatId: () => string;
  model: () => string | undefined;
  fixBudget?: number;
  /** How long to let the preview reload and report errors after the agent's edits. */
  previewSettleMs?: number;
}

export class AgentRunner {
  readonly #o: Required<RunnerOptions>;
  #abort: AbortController | null = null;
  /** An input the server may not have stored yet (no `start` seen): a retry resends it instead of resuming. */
  #unsent: TurnInput | null = null;

  constructor(options: RunnerOptions) {
    this.#o = { fixBudget: 3, previewSettleMs: 1500, ...options };
  }

  get running(): boolean {
    return this.#abort !== null;
  }

  /** A user message starts a run; the turn's file changes are collected until the run ends. */
  send(text: string, images?: string[]): Promise<void> {
    return this.#run({ kind: 'user', text, ...(images?.length ? { images } : {}) });
  }

  /** After an error: resend what the server never got, or call the model again on the stored chat. */
  retry(): Promise<void> {
    return this.#run(this.#unsent ?? { kind: 'resume' });
  }

  stop(): void {
    this.#abort?.abort();
  }

  async #run(first: TurnInput): Promise<void> {
    if (this.#abort) throw new Error('The agent is already running.');
    const abort = (this.#abort = new AbortController());
    const changes = new ChangeSet();
    const baseline = problemKeys(this.#o.env.preview().problems);
    const commands: CommandRecord[] = [];
    let input: TurnInput | null = first;
    let used = 0;
    let settled: Parameters<RunnerSink['settled']>[0] = 'answered';
    try {
      while (input) {
        const turn = await this.#turn(input, abort.signal);
        if (turn === 'failed') {
          settled = abort.signal.aborted ? 'stopped' : 'error';
          break;
        }
        if (turn.calls.length > 0) {
          const results = await this.#runTools(turn.calls, changes, commands, abort.signal);
          // Stopped mid-way: the results of what ran are stored without a model call, so the
          // conversation tells the model next time what already happened.
          if (abort.signal.aborted) {
            if (results.length > 0) await this.#deliverAfterStop({ kind: 'tool_results', results, stop: true });
            settled = 'stopped';
            break;
          }
          // Only invalid calls (answered by the server itself): let the model go on.
          input = results.length > 0 ? { kind: 'tool_results', results } : { kind: 'resume' };
          continue;
        }
        input = null;
        const check = await autoFeedback(this.#o.env, commands, changes.list().length > 0, baseline, this.#o.previewSettleMs, abort.signal);
        if (check && !abort.signal.aborted) {
          if (used >= this.#o.fixBudget) {
            this.#o.sink.feedback(used, this.#o.fixBudget, `Fix budget used up: ${check}`);
            settled = 'budget';
            break;
          }
          used++;
          this.#o.sink.feedback(used, this.#o.fixBudget, check);
          input = { kind: 'user', text: `[Automatic check ${used}/${this.#o.fixBudget}] ${check}` };
        }
      }
    } finally {
      this.#abort = null;
      this.#o.sink.settled(abort.signal.aborted ? 'stopped' : settled);
    }
  }

  /** One model call: streams its events to the sink; returns its tool calls, or 'failed'. */
  async #turn(input: TurnInput, signal: AbortSignal): Promise<{ calls: ToolCall[] } | 'failed'> {
    const request: TurnRequest = { projectId: this.#o.projectId, chatId: this.#o.chatId(), model: this.#o.model(), input };
    this.#unsent = input;
    let calls: ToolCall[] = [];
    let finished = false;
    try {
      const events = await this.#o.transport(request, signal);
      for await (const event of events) {
        if (event.type === 'start') this.#unsent = null;
        this.#o.sink.event(event);
        if (event.type === 'tool_calls') calls = event.calls;
        if (event.type === 'error') {
          if (event.code !== 'aborted:model') this.#o.sink.failure(new TurnFailure(event.code, event.message, event.retryable));
          return 'failed';
        }
        if (event.type === 'done') finished = true;
      }
      if (!finished) throw new TurnFailure('upstream:model', 'The connection to the server ended before the model finished. Retry to continue.', true);
    } catch (error) {
      if (signal.aborted) return 'failed';
      this.#o.sink.failure(error instanceof TurnFailure ? error : new TurnFailure('unavailable:api', `Could not reach the server: ${errorText(error)}`, true));
      return 'failed';
    }
    return { calls };
  }

  async #runTools(calls: ToolCall[], changes: ChangeSet, commands: CommandRecord[], signal: AbortSignal): Promise<ToolResult[]> {
    const sandbox = await this.#o.env.sandbox();
    const ctx = { env: this.#o.env, sandbox, signal, changes, processes: this.#o.processes, setPlan: (items: PlanItem[]) => this.#o.sink.plan(items) };
    const results: ToolResult[] = [];
    for (const call of calls) this.#o.sink.toolStatus(call, 'queued');
    for (const call of calls) {
      const result = (ok: boolean, output: string): ToolResult => ({ toolCallId: call.id, ok, output });
      if (signal.aborted) {
        this.#o.sink.toolStatus(call, 'skipped');
        results.push(result(false, 'Not run: the user pressed Stop.'));
        continue;
      }
      if (isServerTool(call.name) && call.args) {
        // Run and answered by the server when it stored the call (remember); nothing to send.
        this.#o.sink.toolStatus(call, 'done', { outcome: { ok: true, output: 'Recorded by the server.' } });
        continue;
      }
      if (call.error || !call.args) {
        // The server answers invalid calls with their error itself; shown, not sent.
        this.#o.sink.toolStatus(call, 'failed', { outcome: { ok: false, output: call.error ?? 'Invalid tool call.' } });
        continue;
      }
      const command = typeof call.args.command === 'string' ? call.args.command : undefined;
      // The policy is read from the environment (settings / UI) at each call, never from the conversation.
      const decision = await decide(this.#o.env.approval(), call.name, command);
      if (decision.action === 'deny') {
        this.#o.sink.toolStatus(call, 'denied', { decision });
        results.push(result(false, `Not allowed: ${decision.reason}`));
        continue;
      }
      if (decision.action === 'ask') {
        this.#o.sink.toolStatus(call, 'approval', { decision });
        const approved = await Promise.race([this.#o.sink.approve(call, decision), aborted(signal)]);
        if (!approved) {
          if (call.name === 'run_command' && command) commands.push({ command, exitCode: null, userStopped: true });
          this.#o.sink.toolStatus(call, 'skipped', { decision });
          results.push(result(false, signal.aborted ? 'Not run: the user pressed Stop.' : 'The user chose not to run this command.'));
          continue;
        }
      }
      this.#o.sink.toolStatus(call, 'running');
      const outcome = await executeTool(call, ctx);
      if (call.name === 'run_command' && outcome.detail?.kind === 'command') {
        const d = outcome.detail;
        commands.push({ command: d.command, exitCode: d.exitCode, reason: d.reason, userStopped: signal.aborted });
      }
      this.#o.sink.toolStatus(call, outcome.ok ? 'done' : 'failed', { outcome });
      results.push({ ...result(outcome.ok, outcome.output), ...(outcome.images?.length ? { images: outcome.images } : {}) });
    }
    return results;
  }

  /** Stores the results of a stopped step without letting the model go on. */
  async #deliverAfterStop(input: TurnInput): Promise<void> {
    const abort = new AbortController();
    try {
      const events = await this.#o.transport({ projectId: this.#o.projectId, chatId: this.#o.chatId(), model: this.#o.model(), input }, abort.signal);
      for await (const event of events) {
        if (event.type === 'start') this.#unsent = null;
        // A server that knows `stop` answers done at once; one that does not is cut off at its first event.
        if (event.type === 'start' || event.type === 'done' || event.type === 'error') break;
      }
    } catch {
      // Not stored: a retry sends them again (#unsent).
    } finally {
      abort.abort();
    }
  }
}

function aborted(signal: AbortSignal): Promise<false> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(false);
    else signal.addEventListener('abort', () => resolve(false), { once: true });
  });
}
