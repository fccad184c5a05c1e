'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/lib/trpc/client';

/** /i/<token>: what the invite offers, and Accept (a POST: opening the link alone changes nothing). */
export function InviteAccept({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const info = useQuery(trpc.members.inviteInfo.queryOptions({ token }, { retry: false }));
  const accept = useMutation(trpc.members.accept.mutationOptions({ onSuccess: ({ projectId }) => router.push(`/p/${projectId}`) }));
  const error = info.error ?? accept.error;

  return (
    <main className="mx-auto flex max-w-xl flex-col gap-4 px-6 py-16">
      <h1 className="text-xl font-semibold">Invitation</h1>
      {info.isPending && <p className="text-zinc-500">Loading…</p>}
      {info.data && (
        <>
          <p data-testid="invite-summary">
            Join <strong>{info.data.title}</strong> as {info.data.role === 'editor' ? 'an editor' : 'a viewer'}.
          </p>
          <div>
            <Button data-testid="invite-accept" variant="primary" onClick={() => accept.mutate({ token })} disabled={accept.isPending}>
              {info.data.isOwner ? 'Open (you own it)' : 'Accept'}
            </Button>
          </div>
        </>
      )}
      {error && (
        <p role="alert" className="text-red-700">
          {error.message}
        </p>
      )}
      <Link href="/" className="text-indigo-600 hover:underline">
        My projects
      </Link>
    </main>
  );
}
