import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { countOwnedProjectsForUpdate, getProjectById } from '@/db/queries/projects';
import { project, projectFile } from '@/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

const MAX_TITLE = 100;

/** "Title (fork)", kept within the title limit. */
export function forkTitle(sourceTitle: string): string {
  const suffix = ' (fork)';
  return `${sourceTitle.slice(0, MAX_TITLE - suffix.length)}${suffix}`;
}

/**
 * An editable copy of a project owned by `ownerId`: copies the file rows (path → blob hash), never the
 * contents, so a fork costs a few bytes per file. Whether the caller may see the source is the caller's
 * check (server/access.ts); this counts against PROJECTS_PER_USER, all in one transaction.
 */
export async function forkProject(db: Db, input: { sourceProjectId: string; ownerId: string; name?: string }): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const source = await getProjectById(tx, input.sourceProjectId);
    if (!source) throw new AppError('not_found:project');
    if ((await countOwnedProjectsForUpdate(tx, input.ownerId)) >= env.PROJECTS_PER_USER) {
      throw new AppError('rate_limit:project', `You have ${env.PROJECTS_PER_USER} projects, the most one person may have. Delete one to make room.`);
    }
    const title = input.name?.trim().slice(0, MAX_TITLE) || forkTitle(source.title);
    const [created] = await tx
      .insert(project)
      .values({ ownerId: input.ownerId, title, template: source.template, settings: source.settings, forkedFromId: source.id })
      .returning({ id: project.id });
    if (!created) throw new Error('fork insert returned nothing');
    await tx.insert(projectFile).select(
      tx
        .select({
          projectId: sql<string>`${created.id}::uuid`.as('project_id'),
          path: projectFile.path,
          blobHash: projectFile.blobHash,
          size: projectFile.size,
          version: sql<number>`1`.as('version'),
          updatedAt: sql<Date>`now()`.as('updated_at'),
        })
        .from(projectFile)
        .where(eq(projectFile.projectId, source.id)),
    );
    return { id: created.id };
  });
}
