import Link from 'next/link';
import { Suspense } from 'react';
import { AccessLink } from '@/components/home/access-link';
import { Button } from '@/components/ui/button';
import type { AccessLinkView } from '@/server/auth/access-link';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The access link's landing page: what switching identity does to this browser, and the button that does it. */
export function AccessLinkConfirm({ token, view }: { token: string; view: AccessLinkView }) {
  return (
    <main className="mx-auto flex max-w-2xl flex-col gap-6 px-6 py-12 text-sm">
      <h1 className="text-2xl font-semibold tracking-tight">Access link</h1>
      {view.status === 'invalid' && (
        <p role="alert" className="text-red-700 dark:text-red-400">
          That access link is invalid or was revoked. <Link href="/" className="underline">Go to your projects</Link>
        </p>
      )}
      {view.status === 'current' && (
        <p role="status">
          This browser already uses this identity. <Link href="/" className="underline">Go to your projects</Link>
        </p>
      )}
      {view.status === 'switch' && (
        <>
          <p>This link signs this browser in as the identity that created it: you will see and edit its projects.</p>
          {view.current ? (
            <div data-testid="access-link-current" className="flex flex-col gap-2 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950">
              <p>
                This browser is signed in as another identity, which owns {plural(view.current.projects, 'project')}. After the switch, it and
                its projects are no longer reachable from this browser
                {view.current.accessLinks > 0
                  ? `, except through one of its ${plural(view.current.accessLinks, 'access link')}.`
                  : ': it has no access link. Create one first and keep it if you want to come back.'}
              </p>
              {view.current.accessLinks === 0 && (
                <Suspense>
                  <AccessLink />
                </Suspense>
              )}
            </div>
          ) : (
            <p className="text-zinc-600 dark:text-zinc-400">This browser has no identity of its own yet, so nothing is lost.</p>
          )}
          <form method="post" action={`/a/${encodeURIComponent(token)}/switch`} className="flex gap-2">
            <Button type="submit" variant="primary">
              Switch to this identity
            </Button>
            <Link href="/" className="inline-flex items-center px-3 py-1.5 underline">
              Cancel
            </Link>
          </form>
        </>
      )}
    </main>
  );
}
