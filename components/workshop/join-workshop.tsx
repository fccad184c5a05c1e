'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '@/lib/trpc/client';

/** The join page: the workshop's title, a name → the student's own fork (the same one when they come back). */
export function JoinWorkshop({ code }: { code: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const preview = useQuery({ ...trpc.workshop.preview.queryOptions({ code }), retry: false });
  const join = useMutation(trpc.workshop.join.mutationOptions({ onSuccess: (r) => router.push(`/p/${r.projectId}`) }));
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    join.mutate({ code, displayName: name });
  };

  return (
    <main className="mx-auto flex max-w-md flex-col gap-5 px-6 py-16">
      <h1 className="text-2xl font-semibold" data-testid="join-title">
        {preview.data ? preview.data.title : 'Join a workshop'}
      </h1>
      {preview.error && (
        <p role="alert" data-testid="join-error" className="text-sm text-red-700 dark:text-red-400">
          {preview.error.message}
        </p>
      )}
      {preview.data?.ended && (
        <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
          This workshop has ended. If you joined it from this browser, join again to open your (read-only) project.
        </p>
      )}
      {preview.data && (
        <form onSubmit={submit} className="flex flex-col gap-3">
          <label className="flex flex-col gap-1 text-sm">
            Your name, as your teacher will see it
            <input
              data-testid="join-name"
              autoFocus
              required
              maxLength={40}
              value={name}
              onChange={(e) => setName(e.target.value)}
              className="rounded-md border border-zinc-300 px-2 py-1.5 dark:border-zinc-600 dark:bg-zinc-800"
            />
          </label>
          <button type="submit" data-testid="join-submit" disabled={join.isPending} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60">
            {join.isPending ? 'Making your copy…' : 'Join'}
          </button>
          {join.error && (
            <p role="alert" data-testid="join-error" className="text-sm text-red-700 dark:text-red-400">
              {join.error.message}
            </p>
          )}
          <p className="text-xs text-zinc-500">
            No account needed: this browser remembers you. To continue on another device, create an access link on the home page
            and open it there.
          </p>
        </form>
      )}
    </main>
  );
}
