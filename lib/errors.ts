// One error vocabulary for server and client: `${kind}:${surface}`.
export type ErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limit'
  /** A quota is spent: the day's model tokens, the agent's steps for one message. */
  | 'budget'
  | 'unavailable'
  /** A server behind ours (the model) failed or answered wrongly. */
  | 'upstream'
  /** The caller stopped the request. */
  | 'aborted';

export type ErrorSurface =
  | 'project'
  | 'file'
  | 'auth'
  | 'api'
  | 'sandbox'
  | 'model'
  | 'chat'
  | 'host'
  | 'origin'
  | 'request'
  /** Checkpoints: list, diff, restore, undo (server/api/routers/history.ts). */
  | 'history'
  /** Zip import and export (server/archive). */
  | 'archive'
  /** Share links, invites and members (server/api/routers/share.ts, members.ts). */
  | 'share'
  | 'invite'
  | 'member'
  /** Workshops (server/workshop). */
  | 'workshop'
  /** The design loop (server/design, server/api/routers/design.ts). */
  | 'design';

export type AppErrorCode = `${ErrorKind}:${ErrorSurface}`;

export const trpcCodeByKind = {
  bad_request: 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  too_large: 'PAYLOAD_TOO_LARGE',
  rate_limit: 'TOO_MANY_REQUESTS',
  budget: 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
  upstream: 'BAD_GATEWAY',
  aborted: 'CLIENT_CLOSED_REQUEST',
} as const satisfies Record<ErrorKind, string>;

const messages: Partial<Record<AppErrorCode, string>> = {
  'not_found:project': 'Project not found.',
  'forbidden:project': 'You do not have permission to do that in this project.',
  'not_found:file': 'File not found.',
  'conflict:file': 'The file changed since you opened it. Reload it or choose which version to keep.',
  'too_large:file': 'The file is too large.',
  'too_large:project': 'The project is over its size or file-count limit.',
  'rate_limit:project': 'You have as many projects as one person may have. Delete one to make room.',
  'rate_limit:sandbox': 'You have as many sandboxes running as one person may have. Close another project first.',
  'bad_request:file': 'That path is not allowed.',
  'unauthorized:auth': 'Your session is missing or invalid. Reload the page.',
  'not_found:auth': 'That access link is invalid or was revoked.',
  'not_found:chat': 'Chat not found.',
  'not_found:share': 'This share link is invalid or was turned off.',
  'not_found:invite': 'This invite link is invalid or was revoked.',
  'not_found:member': 'That person is not a member of this project.',
  'not_found:design': 'This project was not started from a design.',
  'bad_request:design': 'That image cannot be used as a design or a capture.',
  'unavailable:design': 'The preview could not be captured. Is its dev server running?',
  'bad_request:chat': 'That request does not fit the chat as it stands. Reload it and try again.',
  'conflict:chat': 'The agent is already running in this chat. Stop it or wait for it to finish.',
  'rate_limit:chat': 'Too many agent turns in a short time. Wait a moment and retry.',
  'budget:chat': 'The agent stopped after its step limit. Send a message to let it continue.',
  'unavailable:model': 'No model is configured.',
  'unauthorized:model': 'The model server rejected the API key. Check OPENAI_API_KEY.',
  'not_found:model': 'That model is not available. Check OPENAI_MODELS.',
  'too_large:model': 'The conversation is too long for this model. Start a new chat or pick a model with a larger context.',
  'rate_limit:model': 'The model server is rate limiting requests. Wait a moment and retry.',
  'budget:model': "You have used today's model budget.",
  'upstream:model': 'The model call failed. Retry to ask again.',
  'aborted:model': 'Stopped.',
  'unavailable:api': 'Could not reach the IDE server. Check the connection and retry.',
  'not_found:history': 'That checkpoint does not exist in this project.',
  'bad_request:archive': 'That file is not a zip archive this IDE can import.',
  'too_large:archive': 'The archive is over the size, file-count or compression limits.',
  // Workshops (server/workshop).
  'not_found:workshop': 'There is no workshop with that code. Check it with your teacher.',
  'forbidden:workshop': 'This workshop has ended: your project is read-only. Everything you saved is kept.',
  'conflict:workshop': 'That cannot be done once the workshop has ended.',
  // The HTTP edge (server/http/edge.ts).
  'bad_request:host': 'This server does not answer to that host name. Set ALLOWED_HOSTS or PUBLIC_URL to add one.',
  'forbidden:origin': 'This request must come from the IDE itself.',
  'too_large:request': 'The request is too large.',
  'bad_request:request': 'The request body must declare its length.',
};

/** Codes whose failure may pass by itself: the panel offers Retry. */
const retryable = new Set<AppErrorCode>(['rate_limit:model', 'rate_limit:chat', 'upstream:model', 'unavailable:api', 'conflict:chat']);

export function isRetryable(code: AppErrorCode): boolean {
  return retryable.has(code);
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  constructor(code: AppErrorCode, detail?: string) {
    super(detail ?? messages[code] ?? code);
    this.name = 'AppError';
    this.code = code;
  }
  get kind(): ErrorKind {
    return this.code.split(':')[0] as ErrorKind;
  }
}

export function messageFor(code: AppErrorCode): string {
  return messages[code] ?? 'Something went wrong.';
}

/** What to show for something thrown: an Error's message, or the value itself. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
