import 'server-only';
import { archiveRouter } from '@/server/api/routers/archive';
import { authRouter } from '@/server/api/routers/auth';
import { chatRouter } from '@/server/api/routers/chat';
import { designRouter } from '@/server/api/routers/design';
import { filesRouter } from '@/server/api/routers/files';
import { memoryRouter } from '@/server/api/routers/memory';
import { historyRouter } from '@/server/api/routers/history';
import { membersRouter } from '@/server/api/routers/members';
import { projectRouter } from '@/server/api/routers/project';
import { sandboxRouter } from '@/server/api/routers/sandbox';
import { shareRouter } from '@/server/api/routers/share';
import { workshopRouter } from '@/server/api/routers/workshop';
import { createCallerFactory, publicProcedure, router } from '@/server/api/trpc';

export const appRouter = router({
  health: publicProcedure.query(() => ({ ok: true as const })),
  auth: authRouter,
  project: projectRouter,
  files: filesRouter,
  chat: chatRouter,
  memory: memoryRouter,
  sandbox: sandboxRouter,
  history: historyRouter,
  archive: archiveRouter,
  share: shareRouter,
  members: membersRouter,
  workshop: workshopRouter,
  design: designRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
