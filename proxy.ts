import { NextResponse, type NextRequest } from 'next/server';
import { env } from '@/lib/env';
import { contentSecurityPolicy, newNonce } from '@/server/http/csp';

// Next's proxy (formerly middleware): a fresh CSP nonce for every page. Next reads the nonce from the
// request's Content-Security-Policy header and puts it on its scripts; the browser gets the same policy.
export function proxy(request: NextRequest): NextResponse {
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    dev: env.NODE_ENV === 'development',
    host: request.headers.get('host') ?? request.nextUrl.host,
    previewDomain: env.PREVIEW_DOMAIN,
  });
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  return response;
}

export const config = {
  // Everything but built assets and Monaco's files (scripts, not documents: a CSP on a worker's script
  // would apply to the worker, whose imports carry no nonce) and prefetches.
  matcher: [
    {
      source: '/((?!_next/static|_next/image|monaco/).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
