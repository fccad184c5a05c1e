import 'server-only';
import { callModel, type ModelAnswer, type ModelCall } from '@/server/model/stream';

// A model call that may start before anyone listens: the turn handler starts it while it still
// checks access (see history-cache.ts), and attaches the stream's handlers once the check passed.
// Until then text and retry notices are held back, so nothing reaches the browser unchecked.

export type RunHandlers = Pick<ModelCall, 'onText' | 'onRetry'>;

export interface ModelRun {
  readonly signal: AbortSignal;
  /** Delivers what was held back, then everything as it comes; resolves with the whole answer. */
  attach(handlers: RunHandlers): Promise<ModelAnswer>;
  abort(): void;
}

export function startModelRun(call: Omit<ModelCall, 'onText' | 'onRetry' | 'signal'>): ModelRun {
  const controller = new AbortController();
  let handlers: RunHandlers | null = null;
  const held: ({ text: string } | { retry: Parameters<ModelCall['onRetry']>[0] })[] = [];
  const answer = callModel({
    ...call,
    signal: controller.signal,
    onText: (delta) => (handlers ? handlers.onText(delta) : held.push({ text: delta })),
    onRetry: (info) => (handlers ? handlers.onRetry(info) : held.push({ retry: info })),
  });
  // An aborted run that nobody attached to must not be an unhandled rejection.
  answer.catch(() => {});
  return {
    signal: controller.signal,
    attach(next) {
      for (const event of held.splice(0)) {
        if ('text' in event) next.onText(event.text);
        else next.onRetry(event.retry);
      }
      handlers = next;
      return answer;
    },
    abort: () => controller.abort(),
  };
}
