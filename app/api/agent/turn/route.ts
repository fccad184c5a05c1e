import { getDb } from '@/db';
import { createTurnHandler } from '@/server/model/turn-handler';

// The agent's streaming endpoint. A route handler rather than a tRPC subscription: a turn is a POST
// whose body may carry images (megabytes; tRPC subscriptions are GET/SSE with the input in the URL),
// and it streams NDJSON straight from the model with nothing in between, so the proxy adds ~nothing
// (see bench:proxy), and request.signal aborts the upstream call when the browser stops or leaves.
// Everything else about chats (list, messages, plan, truncate, usage) is the tRPC `chat` router.

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = createTurnHandler({ getDb });
