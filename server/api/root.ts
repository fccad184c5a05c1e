import 'server-only';
import { authRouter } from '@/server/api/routers/auth';
import { chatRouter } from '@/server/api/routers/chat';
import { filesRouter } from '@/server/api/routers/files';
import { projectRouter } from '@/server/api/routers/project';
import { sandboxRouter } from '@/server/api/routers/sandbox';
import { workshopRouter } from '@/server/api/routers/workshop';
import { createCallerFactory, publicProcedure, router } from '@/server/api/trpc';

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true as const })),
  auth: authRouter,
  project: projectRouter,
  files: filesRouter,
  chat: chatRouter,
  sandbox: sandboxRouter,
  workshop: workshopRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
