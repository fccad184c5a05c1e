'use client';

import { useMutation } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useEffect } from 'react';
import { useTRPC } from '@/lib/trpc/client';

const Workbench = dynamic(() => import('@/components/workbench/workbench').then((m) => m.Workbench), { ssr: false });

/** /s/<slug>: records this identity as a share holder, then shows the workbench read-only. */
export function SharedWorkbench({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const open = useMutation(trpc.share.open.mutationOptions());
  const { mutate } = open;
  useEffect(() => mutate({ slug }), [mutate, slug]);

  if (open.error) {
    return (
      <main className="mx-auto max-w-2xl px-6 py-16">
        <h1 className="text-xl font-semibold">Link not available</h1>
        <p role="alert" data-testid="share-error" className="mt-2 text-zinc-600 dark:text-zinc-400">
          {open.error.message}
        </p>
        <Link href="/" className="mt-4 inline-block text-indigo-600 hover:underline">
          Go to my projects
        </Link>
      </main>
    );
  }
  if (!open.data) return <div className="h-dvh" aria-busy="true" aria-label="Opening the shared project" />;
  return <Workbench projectId={open.data.projectId} shared />;
}
