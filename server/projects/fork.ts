import 'server-only';
import type { Db } from '@/db/client';
import { countOwnedProjectsForUpdate, getProjectById } from '@/db/queries/projects';
import { shareTree } from '@/db/queries/tree';
import { project } from '@/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

const MAX_TITLE = 100;

/** "Title (fork)", kept within the title limit. */
export function forkTitle(sourceTitle: string): string {
  const suffix = ' (fork)';
  return `${sourceTitle.slice(0, MAX_TITLE - suffix.length)}${suffix}`;
}

/**
 * An editable copy of a project owned by `ownerId`: a project row based on the source's tree as a shared
 * tree (db/queries/tree.ts; stored once, so forks of an unchanged project share one), copying no file rows
 * and no contents; the fork's own changes are its own rows over that base. Whether the caller may see the source is the caller's
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
    const baseTreeId = await shareTree(tx, source.id);
    const [created] = await tx
      .insert(project)
      .values({ ownerId: input.ownerId, title, template: source.template, settings: source.settings, forkedFromId: source.id, baseTreeId })
      .returning({ id: project.id });
    if (!created) throw new Error('fork insert returned nothing');
    return { id: created.id };
  });
}
