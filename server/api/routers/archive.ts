import 'server-only';
import { z } from 'zod';
import { snapshotFiles } from '@/db/queries/sync';
import { env } from '@/lib/env';
import { ARCHIVE_LIMITS } from '@/server/archive/limits';
import { importZipProject } from '@/server/archive/import-project';
import { writeZip } from '@/server/archive/write-zip';
import { authedProcedure, projectProcedure, router } from '@/server/api/trpc';

// Zip in and out. Export: the project's files (viewer and up, through projectProcedure and
// server/access.ts). Import: a zip (an upload, or a dropped folder the page zipped) as a new project of
// the caller's, like project.create. The body is capped by server/api/http.ts (archive.import is a large input).

export const importZipInput = z.object({
  title: z.string().trim().min(1).max(100),
  /** The zip, base64. */
  zip: z
    .string()
    .min(1)
    .max(Math.ceil(ARCHIVE_LIMITS.maxZipBytes / 3) * 4, `The archive is larger than ${ARCHIVE_LIMITS.maxZipBytes / 1024 / 1024} MiB.`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'The archive must be base64.'),
});

export const archiveRouter = router({
  export: projectProcedure('viewer').query(async ({ ctx }) => {
    const zip = writeZip(await snapshotFiles(ctx.db, ctx.project.id));
    const name = ctx.project.title.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'project';
    return { fileName: `${name}.zip`, zip: Buffer.from(zip).toString('base64'), bytes: zip.byteLength };
  }),

  import: authedProcedure.input(importZipInput).mutation(async ({ ctx, input }) => {
    const zip = new Uint8Array(Buffer.from(input.zip, 'base64'));
    const created = await importZipProject(ctx.db, { ownerId: ctx.user.id, title: input.title, zip, maxProjects: env.PROJECTS_PER_USER });
    return { id: created.id, title: created.title, files: created.files };
  }),
});
