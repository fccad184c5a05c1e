import 'server-only';
import { authRouter } from '@/server/api/routers/auth';
import { chatRouter } from '@/server/api/routers/chat';
import { designRouter } from '@/server/api/routers/design';
import { filesRouter } from '@/server/api/routers/files';
import { projectRouter } from '@/server/api/routers/project';
import { sandboxRouter } from '@/server/api/routers/sandbox';
import { createCallerFactory, publicProcedure, router } from '@/server/api/trpc';

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true as const })),
  auth: authRouter,
  project: projectRouter,
  files: filesRouter,
  chat: chatRouter,
  sandbox: sandboxRouter,
  design: designRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
