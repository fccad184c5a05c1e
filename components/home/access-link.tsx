'use client';

import { useMutation } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/lib/trpc/client';

/** No sign-up: a secret link, shown once, carries this identity to another device. */
export function AccessLink() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const create = useMutation(trpc.auth.createAccessLink.mutationOptions());
  const signOutOthers = useMutation(trpc.auth.signOutOtherSessions.mutationOptions());
  const url = create.data && typeof window !== 'undefined' ? new URL(create.data.path, window.location.origin).toString() : null;

  return (
    <section aria-labelledby="access-heading" className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-4 text-sm dark:border-zinc-800">
      <h2 id="access-heading" className="font-semibold">Use on another device</h2>
      {params.get('access') === 'restored' && <p role="status" className="text-green-700 dark:text-green-400">Welcome back: this browser now uses your identity.</p>}
      {params.get('access') === 'invalid' && <p role="alert" className="text-red-700 dark:text-red-400">That access link is invalid or was revoked.</p>}
      <p className="text-zinc-600 dark:text-zinc-400">
        You are signed in anonymously in this browser. An access link opens the same projects elsewhere. Anyone with the link can act as you: keep it secret.
      </p>
      {url ? (
        <div className="flex flex-col gap-1">
          <label htmlFor="access-link-url" className="text-zinc-600 dark:text-zinc-400">Shown once — copy it now:</label>
          <input id="access-link-url" data-testid="access-link-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} className="rounded border border-zinc-300 bg-zinc-50 px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900" />
        </div>
      ) : (
        <div>
          <Button onClick={() => create.mutate()} disabled={create.isPending}>Create access link</Button>
        </div>
      )}
      {create.error && <p role="alert" className="text-red-700">{create.error.message}</p>}
      <div className="flex items-center gap-2">
        <Button onClick={() => signOutOthers.mutate()} disabled={signOutOthers.isPending}>Sign out other browsers</Button>
        {signOutOthers.data && (
          <span role="status" className="text-zinc-600 dark:text-zinc-400">
            {signOutOthers.data.ended === 1 ? '1 other browser was signed out.' : `${signOutOthers.data.ended} other browsers were signed out.`}
          </span>
        )}
      </div>
    </section>
  );
}
