'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useEffect } from 'react';
import { ErrorPage } from '@/components/ui/error-page';
import { useTRPC } from '@/lib/trpc/client';

const Workbench = dynamic(() => import('@/components/workbench/workbench').then((m) => m.Workbench), { ssr: false });

/** /s/<slug>: records this identity as a share holder, then shows the workbench read-only. */
export function SharedWorkbench({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const open = useMutation(trpc.share.open.mutationOptions());
  const { mutate } = open;
  useEffect(() => mutate({ slug }), [mutate, slug]);
  // The sandbox's config before the workbench: a host-sandbox notice is then part of its first layout instead of
  // pushing the tree down once the sandbox starts (a failure here is the workbench's to ask again and report).
  const projectId = open.data?.projectId ?? '';
  const config = useQuery({ ...trpc.sandbox.config.queryOptions({ projectId }), enabled: projectId !== '' });

  if (open.error) {
    return <ErrorPage title="Link not available" message={open.error.message} testId="share-error" backLabel="Go to my projects" />;
  }
  if (!open.data || config.isLoading) return <div className="h-dvh" aria-busy="true" aria-label="Opening the shared project" />;
  return <Workbench projectId={projectId} shared />;
}
