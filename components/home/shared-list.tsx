'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '@/lib/trpc/client';

/** "Shared with me": projects others own where this identity was invited. */
export function SharedList() {
  const trpc = useTRPC();
  const shared = useQuery(trpc.members.sharedWithMe.queryOptions());
  return (
    <section aria-labelledby="shared-heading" className="flex flex-col gap-4">
      <h2 id="shared-heading" className="text-lg font-semibold">
        Shared with me
      </h2>
      {shared.error && (
        <p role="alert" className="text-sm text-red-700">
          Could not load shared projects: {shared.error.message}
        </p>
      )}
      {shared.data?.length === 0 && <p className="text-sm text-zinc-500">Nothing yet. An invite link adds a project here.</p>}
      {!!shared.data?.length && (
        <ul data-testid="shared-list" className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {shared.data.map((p) => (
            <li key={p.id} data-testid="shared-list-item" data-project-id={p.id} className="flex items-center gap-3 px-4 py-3">
              <Link href={`/p/${p.id}`} className="flex-1 font-medium hover:underline">
                {p.title}
              </Link>
              <span className="text-xs text-zinc-500">{p.role}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
