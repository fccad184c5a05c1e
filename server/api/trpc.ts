import 'server-only';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Db } from '@/db/client';
import { getProjectRole, type ProjectSummary } from '@/db/queries/projects';
import type { ProjectRole, User } from '@/db/schema';
import { AppError, trpcCodeByKind, type AppErrorCode } from '@/lib/errors';
import { userFromRequest } from '@/server/auth/request-user';

export interface Context {
  db: Db;
  user: User | null;
}

/** What tests call: a plain function of its parts, no request needed. */
export function createContextInner(opts: { db: Db; user: User | null }): Context {
  return { db: opts.db, user: opts.user };
}

/** Adapts an HTTP request: resolves (or issues, through `setCookie`) the anonymous identity cookie. */
export async function createContext(opts: { req: Request; setCookie: (header: string) => void; db: Db }): Promise<Context> {
  const { db } = opts;
  const user = await userFromRequest(db, opts.req, opts.setCookie);
  return createContextInner({ db, user });
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
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

const rank: Record<ProjectRole, number> = { viewer: 0, editor: 1, owner: 2 };

/**
 * Procedures on one project: takes `projectId`, checks the caller holds at least `minRole`.
 * A caller with no role at all is told the project does not exist, so ids leak nothing.
 */
export function projectProcedure(minRole: ProjectRole) {
  return authedProcedure.input(z.object({ projectId: z.uuid() })).use(async ({ ctx, input, next }) => {
    const access = await getProjectRole(ctx.db, input.projectId, ctx.user.id);
    if (!access) throw new AppError('not_found:project');
    if (rank[access.role] < rank[minRole]) {
      throw new AppError('forbidden:project', `This needs the ${minRole} role; you are a ${access.role}.`);
    }
    return next({ ctx: { ...ctx, project: access.project as ProjectSummary, role: access.role } });
  });
}
