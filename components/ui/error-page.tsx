import Link from 'next/link';

/** A whole page that says why what was asked for cannot be shown, with a way back to the projects. */
export function ErrorPage({ title, message, testId, backLabel }: { title: string; message: string; testId?: string; backLabel?: string }) {
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p role="alert" data-testid={testId} className="mt-2 text-zinc-600 dark:text-zinc-400">
        {message}
      </p>
      {backLabel && (
        <Link href="/" className="mt-4 inline-block text-indigo-600 hover:underline">
          {backLabel}
        </Link>
      )}
    </main>
  );
}
