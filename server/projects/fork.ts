import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { project, projectFile } from '@/db/schema';
import { AppError } from '@/lib/errors';

// A minimal fork for workshops (issue 16); the sharing work (issue 15) owns this file. A fork copies the
// source's tree rows — blob hashes — never file contents, in one transaction.

export async function forkProject(db: Db, input: { sourceProjectId: string; ownerId: string; name?: string }): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const [source] = await tx.select().from(project).where(eq(project.id, input.sourceProjectId));
    if (!source) throw new AppError('not_found:project');
    const [created] = await tx
      .insert(project)
      .values({
        ownerId: input.ownerId,
        title: input.name ?? source.title,
        template: source.template,
        settings: source.settings,
        forkedFromId: source.id,
      })
      .returning({ id: project.id });
    if (!created) throw new Error('fork insert returned nothing');
    await tx.execute(sql`
      insert into ${projectFile} (project_id, path, blob_hash, size)
      select ${created.id}, path, blob_hash, size from ${projectFile} where project_id = ${source.id}`);
    return created;
  });
}
