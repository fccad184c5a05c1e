'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTRPC } from '@/lib/trpc/client';

/** "Fork": an editable copy of your own, opened at once. */
export function ForkButton({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const fork = useMutation(trpc.project.fork.mutationOptions({ onSuccess: ({ id }) => router.push(`/p/${id}`) }));
  return (
    <>
      <button
        type="button"
        data-testid="fork-button"
        disabled={fork.isPending}
        onClick={() => fork.mutate({ projectId })}
        className="rounded border border-zinc-300 px-2 py-0.5 text-xs font-medium hover:bg-zinc-200 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {fork.isPending ? 'Forking…' : 'Fork'}
      </button>
      {fork.error && (
        <span role="alert" data-testid="fork-error" className="text-xs text-red-700">
          {fork.error.message}
        </span>
      )}
    </>
  );
}

/** "forked from …": a link when the caller may still open the source. */
export function ForkedFrom({ source }: { source: { id: string; title: string } | null | undefined }) {
  if (!source) return null;
  return (
    <span data-testid="forked-from" className="truncate text-xs text-zinc-500">
      forked from{' '}
      <Link href={`/p/${source.id}`} className="hover:underline">
        {source.title}
      </Link>
    </span>
  );
}
