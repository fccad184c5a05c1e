'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/lib/trpc/client';

export function ProjectList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.project.list.queryOptions());
  const remove = useMutation(
    trpc.project.remove.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.project.list.queryKey() }),
    }),
  );

  return (
    <section aria-labelledby="my-projects-heading" className="flex flex-col gap-4">
      <h2 id="my-projects-heading" className="text-lg font-semibold">
        My projects
      </h2>
      {projects.isPending && <p className="text-sm text-zinc-500">Loading…</p>}
      {projects.error && (
        <p role="alert" className="text-sm text-red-700">
          Could not load your projects: {projects.error.message}
        </p>
      )}
      {projects.data?.length === 0 && <p className="text-sm text-zinc-500">No projects yet. Start one above.</p>}
      <ul data-testid="project-list" className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {projects.data?.map((p) => (
          <li key={p.id} data-testid="project-list-item" data-project-id={p.id} className="flex items-center gap-3 px-4 py-3">
            <span className="flex min-w-0 flex-1 flex-col">
              <Link href={`/p/${p.id}`} className="font-medium hover:underline">
                {p.title}
              </Link>
              {p.forkedFromId && (
                <span data-testid="forked-from" className="text-xs text-zinc-500">
                  forked from {p.forkedFromTitle ?? 'a project you can no longer open'}
                </span>
              )}
            </span>
            <time className="text-xs text-zinc-500" dateTime={p.updatedAt.toISOString()}>
              {p.updatedAt.toLocaleString()}
            </time>
            <Button
              variant="danger"
              aria-label={`Delete ${p.title}`}
              onClick={() => {
                if (window.confirm(`Delete "${p.title}"? This cannot be undone.`)) remove.mutate({ projectId: p.id });
              }}
            >
              Delete
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
