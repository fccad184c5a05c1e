'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { MembersSection } from '@/components/share/members-section';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useTRPC } from '@/lib/trpc/client';

export function ShareDialog({ projectId, open, onClose }: { projectId: string; open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Share" testId="share-dialog" className="w-[min(34rem,92vw)]">
      <div className="flex flex-col gap-5 p-5 text-sm">
        <ShareLinkSection projectId={projectId} />
        <MembersSection projectId={projectId} />
        <div className="flex justify-end">
          <Button onClick={onClose}>Done</Button>
        </div>
      </div>
    </Dialog>
  );
}

function ShareLinkSection({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const link = useQuery(trpc.share.get.queryOptions({ projectId }));
  const onSuccess = (data: { slug: string | null }) => queryClient.setQueryData(trpc.share.get.queryKey({ projectId }), { slug: data.slug });
  const rotate = useMutation(trpc.share.rotate.mutationOptions({ onSuccess }));
  const revoke = useMutation(trpc.share.revoke.mutationOptions({ onSuccess }));
  const [copied, setCopied] = useState(false);
  const slug = link.data?.slug;
  const url = slug ? `${window.location.origin}/s/${slug}` : null;
  const error = link.error ?? rotate.error ?? revoke.error;

  return (
    <section aria-labelledby="share-link-heading" className="flex flex-col gap-2">
      <h2 id="share-link-heading" className="font-semibold">
        Read-only link
      </h2>
      <p className="text-zinc-600 dark:text-zinc-400">
        Anyone with the link sees the project running, in a sandbox of their own; they cannot change it, but can fork it.
      </p>
      {url ? (
        <>
          <div className="flex gap-2">
            <input data-testid="share-url" readOnly value={url} className="min-w-0 flex-1 rounded border border-zinc-300 px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950" />
            <Button
              onClick={() => {
                void navigator.clipboard?.writeText(url).then(() => setCopied(true));
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </Button>
          </div>
          <div className="flex gap-2">
            <Button data-testid="share-rotate" onClick={() => rotate.mutate({ projectId })} disabled={rotate.isPending}>
              New link (the old one stops working)
            </Button>
            <Button data-testid="share-revoke" variant="danger" onClick={() => revoke.mutate({ projectId })} disabled={revoke.isPending}>
              Turn off
            </Button>
          </div>
        </>
      ) : (
        <div>
          <Button data-testid="share-enable" variant="primary" onClick={() => rotate.mutate({ projectId })} disabled={rotate.isPending || link.isPending}>
            Create a read-only link
          </Button>
        </div>
      )}
      {error && (
        <p role="alert" className="text-red-700">
          {error.message}
        </p>
      )}
    </section>
  );
}
