'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/lib/trpc/client';

export function NewProject() {
  const trpc = useTRPC();
  const router = useRouter();
  const templates = useQuery(trpc.project.templates.queryOptions());
  const create = useMutation(
    trpc.project.create.mutationOptions({ onSuccess: (project) => router.push(`/p/${project.id}`) }),
  );

  return (
    <section aria-labelledby="new-project-heading" className="flex flex-col gap-4">
      <h2 id="new-project-heading" className="text-lg font-semibold">
        New project
      </h2>
      <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {templates.data?.map((t) => (
          <li key={t.id}>
            <button
              type="button"
              data-testid="new-project-template"
              data-template={t.id}
              disabled={create.isPending}
              onClick={() => create.mutate({ template: t.id })}
              className="flex h-full w-full flex-col gap-1 rounded-lg border border-zinc-200 p-4 text-left hover:border-indigo-400 hover:bg-indigo-50/40 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-60 dark:border-zinc-800 dark:hover:bg-indigo-950/30"
            >
              <span className="font-medium">{t.title}</span>
              <span className="text-sm text-zinc-600 dark:text-zinc-400">{t.description}</span>
            </button>
          </li>
        ))}
        <li>
          <button
            type="button"
            data-testid="new-project-template"
            data-template="empty"
            disabled={create.isPending}
            onClick={() => create.mutate({ template: null })}
            className="flex h-full w-full flex-col gap-1 rounded-lg border border-dashed border-zinc-300 p-4 text-left hover:border-indigo-400 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-60 dark:border-zinc-700"
          >
            <span className="font-medium">Empty project</span>
            <span className="text-sm text-zinc-600 dark:text-zinc-400">Start from nothing.</span>
          </button>
        </li>
      </ul>
      {create.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not create the project: {create.error.message}
        </p>
      )}
    </section>
  );
}
