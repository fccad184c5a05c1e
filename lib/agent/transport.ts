import { AGENT_TURN_URL, turnResponseEvents, type TurnEvent, type TurnRequest } from '@/lib/agent/protocol';
import type { TurnTransport } from '@/lib/agent/runner';

/** The turn endpoint over fetch: NDJSON events, or one error event for a refused request. */
export function fetchTransport(fetchImpl: typeof fetch = fetch, url: string = AGENT_TURN_URL): TurnTransport {
  return async (request: TurnRequest, signal: AbortSignal): Promise<AsyncIterable<TurnEvent>> => {
    const res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal,
      credentials: 'same-origin',
    });
    return turnResponseEvents(res);
  };
}
