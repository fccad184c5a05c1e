import { Suspense } from 'react';
import { AccessLink } from '@/components/home/access-link';
import { ImportZip } from '@/components/home/import-zip';
import { NewFromDesign } from '@/components/home/new-from-design';
import { NewProject } from '@/components/home/new-project';
import { ProjectList } from '@/components/home/project-list';
import { SharedList } from '@/components/home/shared-list';

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-10 px-6 py-12">
      <header className="flex flex-col gap-3">
        <h1 className="text-3xl font-semibold tracking-tight">Cloud IDE</h1>
        <p className="max-w-2xl text-zinc-600 dark:text-zinc-400">
          Open a project in your browser — editor, terminal and live preview — and build it with a coding agent that
          runs installs and tests in a sandbox, reads the results and fixes what failed. Nothing to install; no sign-up.
        </p>
      </header>
      <NewFromDesign />
      <NewProject />
      <ImportZip />
      <div className="grid gap-10 md:grid-cols-2">
        <ProjectList />
        <SharedList />
      </div>
      <Suspense>
        <AccessLink />
      </Suspense>
    </main>
  );
}
