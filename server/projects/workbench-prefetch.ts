import 'server-only';
import { dehydrate, type DehydratedState } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { Db } from '@/db/client';
import { getUserById } from '@/db/queries/users';
import { makeQueryClient } from '@/lib/trpc/query-client';
import { appRouter } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { liveSessionOf } from '@/server/auth/request-user';

// What the project page's workbench asks first (the project, its tree, the template's main file, the sandbox's
// config: a host-sandbox notice is then laid out with the page instead of pushing it down later), fetched
// while the server renders the page and handed to the browser's query cache with it: the editor shows code
// without waiting for a round trip after the workbench's JavaScript ran. Read through the tRPC procedures
// themselves, so the access policy (server/access.ts) decides exactly as for the browser's own requests.

/** Trees and files past these sizes are left for the browser to fetch: the page's HTML stays small. */
export const PREFETCH_MAX_TREE_ENTRIES = 1000;
export const PREFETCH_MAX_FILE_CHARS = 256 * 1024;

/**
 * The dehydrated queries for the project page, or null when the request has no live session (reading
 * the cookie only: the page never issues an identity) or its user may not see the project.
 */
export async function prefetchWorkbench(db: Db, cookieHeader: string | null, projectId: string): Promise<DehydratedState | null> {
  const claims = await liveSessionOf(db, cookieHeader);
  const user = claims && (await getUserById(db, claims.userId));
  if (!claims || !user) return null;
  const queryClient = makeQueryClient();
  const trpc = createTRPCOptionsProxy({ ctx: createContextInner({ db, user, sessionId: claims.sessionId }), router: appRouter, queryClient });
  // No role, no such project: nothing is sent, and the browser's own request shows the usual error.
  const project = await queryClient.fetchQuery(trpc.project.byId.queryOptions({ projectId })).catch(() => null);
  if (!project) return null;
  const treeKey = trpc.files.tree.queryKey({ projectId });
  const mainFile = project.mainFile ? trpc.files.read.queryOptions({ projectId, path: project.mainFile }) : null;
  await Promise.all([
    queryClient.prefetchQuery(trpc.files.tree.queryOptions({ projectId })),
    mainFile && queryClient.prefetchQuery(mainFile),
    queryClient.prefetchQuery(trpc.sandbox.config.queryOptions({ projectId })),
  ]);
  if ((queryClient.getQueryData(treeKey)?.length ?? 0) > PREFETCH_MAX_TREE_ENTRIES) queryClient.removeQueries({ queryKey: treeKey, exact: true });
  if (mainFile && (queryClient.getQueryData(mainFile.queryKey)?.content.length ?? 0) > PREFETCH_MAX_FILE_CHARS) {
    queryClient.removeQueries({ queryKey: mainFile.queryKey, exact: true });
  }
  // Only what succeeded: a failed read is the browser's to ask again and report.
  return dehydrate(queryClient, { shouldDehydrateQuery: (query) => query.state.status === 'success' });
}
