import 'server-only';
import { getDb } from '@/db';
import { redeemAccessLink } from '@/db/queries/users';
import { hashAccessToken } from '@/server/api/routers/auth';
import { sessionCookieHeader } from '@/server/auth/session';

/** GET /a/<token>: signs this browser in as the link's user, then goes home. */
export async function handleAccessLink(req: Request, token: string): Promise<Response> {
  const home = new URL('/', req.url);
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return Response.redirect(new URL('/?access=invalid', req.url), 303);
  const userId = await redeemAccessLink(await getDb(), hashAccessToken(token));
  if (!userId) return Response.redirect(new URL('/?access=invalid', req.url), 303);
  home.searchParams.set('access', 'restored');
  return new Response(null, {
    status: 303,
    headers: { location: home.toString(), 'set-cookie': sessionCookieHeader(userId, home.protocol === 'https:') },
  });
}
