import 'server-only';
import type { Db } from '@/db/client';
import { createFiles } from '@/db/queries/files';
import { countOwnedProjectsForUpdate, insertProject, type ProjectSummary } from '@/db/queries/projects';
import { AppError } from '@/lib/errors';
import { readZip } from '@/server/archive/read-zip';
import { withoutIgnored } from '@/server/archive/write-zip';

/** A zip as a new project of `ownerId`, in one transaction: any refusal leaves nothing behind. */
export async function importZipProject(db: Db, input: { ownerId: string; title: string; zip: Uint8Array; maxProjects: number }): Promise<ProjectSummary & { files: number }> {
  const files = withoutIgnored(readZip(input.zip));
  if (files.length === 0) throw new AppError('bad_request:archive', 'The archive holds no files to import.');
  return db.transaction(async (tx) => {
    if ((await countOwnedProjectsForUpdate(tx, input.ownerId)) >= input.maxProjects) {
      throw new AppError('rate_limit:project', `You have ${input.maxProjects} projects, the most one person may have. Delete one to make room.`);
    }
    const project = await insertProject(tx, { ownerId: input.ownerId, title: input.title, template: null });
    await createFiles(tx, project.id, files);
    return { ...project, files: files.length };
  });
}
