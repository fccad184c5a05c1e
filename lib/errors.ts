// One error vocabulary for server and client: `${kind}:${surface}`.
export type ErrorKind =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limit'
  | 'unavailable';

export type ErrorSurface = 'project' | 'file' | 'auth' | 'api' | 'sandbox' | 'model' | 'chat' | 'host' | 'origin' | 'request';

export type AppErrorCode = `${ErrorKind}:${ErrorSurface}`;

export const trpcCodeByKind = {
  bad_request: 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  too_large: 'PAYLOAD_TOO_LARGE',
  rate_limit: 'TOO_MANY_REQUESTS',
  unavailable: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<ErrorKind, string>;

const messages: Partial<Record<AppErrorCode, string>> = {
  'not_found:project': 'Project not found.',
  'forbidden:project': 'You do not have permission to do that in this project.',
  'not_found:file': 'File not found.',
  'conflict:file': 'The file changed since you opened it. Reload it or choose which version to keep.',
  'too_large:file': 'The file is too large.',
  'too_large:project': 'The project is over its size or file-count limit.',
  'bad_request:file': 'That path is not allowed.',
  'unauthorized:auth': 'Your session is missing or invalid. Reload the page.',
  'not_found:auth': 'That access link is invalid or was revoked.',
  // The HTTP edge (server/http/edge.ts).
  'bad_request:host': 'This server does not answer to that host name. Set ALLOWED_HOSTS or PUBLIC_URL to add one.',
  'forbidden:origin': 'This request must come from the IDE itself.',
  'too_large:request': 'The request is too large.',
  'bad_request:request': 'The request body must declare its length.',
};

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
