import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Db } from '@/db/client';
import type { ProjectRole, User } from '@/db/schema';
import { AppError, trpcCodeByKind, type AppErrorCode } from '@/lib/errors';
import { getTurnFacts } from '@/db/queries/turn-facts';
import { utcDay } from '@/db/queries/usage';
import { turnRequestSchema } from '@/lib/agent/protocol';
import { checkAccess, decideAccess, requireAccess, type AccessOptions } from '@/server/access';
import { renewalDue, userFromRequest } from '@/server/auth/request-user';
import { decodeSession, readCookie, SESSION_COOKIE, type SessionClaims } from '@/server/auth/session';
import { defaultTurnDeps, type TurnDeps } from '@/server/model/turn';

export interface Context {
  db: Db;
  user: User | null;
  /** The browser's session (server/auth/request-user); absent in tests that call procedures directly. */
  sessionId?: string;
  /** The agent turn's process state and model setup (tests pass their own). */
  turns: TurnDeps;
  /** chat.send's request: the cookie's claims, checked within the turn's one statement (turnProcedure). */
  deferredSession?: SessionClaims;
}

/** What tests call: a plain function of its parts, no request needed. */
export function createContextInner(opts: { db: Db; user: User | null; sessionId?: string; turns?: TurnDeps }): Context {
  return { db: opts.db, user: opts.user, sessionId: opts.sessionId, turns: opts.turns ?? defaultTurnDeps() };
}

/**
 * Adapts an HTTP request: resolves (or issues) the anonymous identity cookie. With `deferSession` (a request
 * of chat.send alone) a cookie that needs nothing written back is left to turnProcedure, whose one statement
 * checks it; the response's headers may be gone by then, so anything that sets a cookie happens here.
 */
export async function createContext(opts: { req: IncomingMessage; res: ServerResponse; db: Db; turns?: TurnDeps; deferSession?: boolean }): Promise<Context> {
  const { db } = opts;
  const cookie = opts.req.headers.cookie ?? null;
  const claims = opts.deferSession ? decodeSession(readCookie(cookie, SESSION_COOKIE)) : undefined;
  if (claims && !renewalDue(claims.expiresAt)) return { ...createContextInner({ db, user: null, turns: opts.turns }), deferredSession: claims };
  const secure = (opts.req.socket as { encrypted?: boolean }).encrypted === true || opts.req.headers['x-forwarded-proto'] === 'https';
  const { user, sessionId } = await userFromRequest(db, { cookie, secure }, (header) => opts.res.appendHeader('set-cookie', header));
  return createContextInner({ db, user, sessionId, turns: opts.turns });
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Subscriptions (the workshop's live views) are server-sent events: a ping keeps an idle one open
  // through proxies, and the client reconnects when even pings stop.
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      // Unexpected faults (database, bugs) are logged on the server and answered generically.
      message: internal ? 'Internal server error.' : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        appCode: cause instanceof AppError ? cause.code : (null as AppErrorCode | null),
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
      },
    };
  },
});

/** Turns AppError thrown anywhere below into the matching tRPC error, keeping it as the cause. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: trpcCodeByKind[cause.kind], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(appErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new AppError('unauthorized:auth');
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/**
 * Procedures on one project: takes `projectId`, checks the caller holds at least `minRole`
 * (server/access.ts: no role at all reads as "project not found", so ids leak nothing).
 */
export function projectProcedure(minRole: ProjectRole, options?: AccessOptions) {
  return authedProcedure.input(z.object({ projectId: z.uuid() })).use(async ({ ctx, input, next }) => {
    const access = await requireAccess(ctx.db, input.projectId, ctx.user.id, minRole, options);
    return next({ ctx: { ...ctx, project: access.project, role: access.role, access } });
  });
}

/**
 * chat.send: projectProcedure('editor')'s decision (server/access.ts), made on facts read in the one
 * statement that also checks a deferred session (createContext) and brings what the turn needs next
 * (db/queries/turn-facts.ts), `ctx.turnFacts`.
 */
export const turnProcedure = publicProcedure.input(turnRequestSchema).use(async ({ ctx, input, next }) => {
  const now = new Date();
  const read = (userId: string, sessionId?: string) =>
    getTurnFacts(ctx.db, { projectId: input.projectId, chatId: input.chatId, userId, day: utcDay(now), ...(sessionId ? { sessionId } : {}) });
  const claims = ctx.deferredSession;
  let facts = claims && (await read(claims.userId, claims.sessionId));
  let { user, sessionId } = ctx;
  if (claims) {
    // Ended since the cookie was signed: a fresh visitor, who holds no role (the next request gets them a new identity).
    if (!facts?.session) throw new AppError('not_found:project');
    ({ user, id: sessionId } = facts.session);
  }
  if (!user) throw new AppError('unauthorized:auth');
  facts ??= await read(user.id);
  const access = checkAccess(facts.access && decideAccess(facts.access, user.id, now), 'editor');
  return next({ ctx: { ...ctx, user, sessionId, project: access.project, role: access.role, access, turnFacts: facts } });
});
