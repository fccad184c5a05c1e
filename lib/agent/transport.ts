import { TRPCClientError, type TRPCClient } from '@trpc/client';
import type { TurnEvent } from '@/lib/agent/protocol';
import type { TurnTransport } from '@/lib/agent/runner';
import type { AppErrorCode } from '@/lib/errors';
import { isRetryable, messageFor } from '@/lib/errors';
import type { AppRouter } from '@/server/api/root';

/**
 * The turn as the tRPC mutation chat.send: its events stream back (httpBatchStreamLink); the signal
 * aborts the request and with it the upstream model call. A turn the server refused before it started
 * (role, budget, rate limit, busy chat, …) reads as one `error` event with the app's error code.
 */
export function trpcTransport(client: TRPCClient<AppRouter>): TurnTransport {
  return async (request, signal) => {
    try {
      return await client.chat.send.mutate(request, { signal });
    } catch (error) {
      if (signal.aborted || !(error instanceof TRPCClientError) || !error.data) throw error;
      return [refusal(error)];
    }
  };
}

function refusal(error: TRPCClientError<AppRouter>): TurnEvent {
  const data = error.data as { appCode?: AppErrorCode | null; code?: string } | undefined;
  const code: AppErrorCode = data?.appCode ?? (data?.code === 'BAD_REQUEST' ? 'bad_request:chat' : 'unavailable:api');
  return { type: 'error', code, message: error.message || messageFor(code), retryable: isRetryable(code) };
}
