'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/lib/trpc/client';

/** The project page until the workbench lands: the file list and a read-only view of one file. */
export function ProjectView({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const project = useQuery(trpc.project.byId.queryOptions({ projectId }));
  const tree = useQuery(trpc.files.tree.queryOptions({ projectId }));
  const [open, setOpen] = useState<string | null>(null);
  const file = useQuery({ ...trpc.files.read.queryOptions({ projectId, path: open ?? '' }), enabled: open !== null });

  if (project.error) {
    return (
      <main className="mx-auto max-w-2xl px-6 py-16">
        <h1 className="text-xl font-semibold">Project not available</h1>
        <p role="alert" className="mt-2 text-zinc-600">{project.error.message}</p>
        <Link href="/" className="mt-4 inline-block text-indigo-600 hover:underline">Back to my projects</Link>
      </main>
    );
  }

  return (
    <main className="flex h-screen flex-col">
      <header className="flex items-center gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <Link href="/" className="text-sm text-zinc-500 hover:underline">Projects</Link>
        <h1 data-testid="project-title" className="font-semibold">{project.data?.title ?? '…'}</h1>
      </header>
      <div className="flex min-h-0 flex-1">
        <nav aria-label="Files" className="w-64 overflow-auto border-r border-zinc-200 p-2 dark:border-zinc-800">
          <ul data-testid="file-tree">
            {tree.data?.map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  data-testid="file-tree-item"
                  data-path={f.path}
                  onClick={() => setOpen(f.path)}
                  className={`w-full truncate rounded px-2 py-1 text-left font-mono text-sm hover:bg-zinc-100 dark:hover:bg-zinc-900 ${open === f.path ? 'bg-zinc-100 dark:bg-zinc-900' : ''}`}
                >
                  {f.path}
                </button>
              </li>
            ))}
          </ul>
          {tree.data?.length === 0 && <p className="px-2 text-sm text-zinc-500">No files yet.</p>}
        </nav>
        <section className="min-w-0 flex-1 overflow-auto p-4">
          {file.data ? (
            <pre data-testid="file-content" className="font-mono text-sm whitespace-pre-wrap">
              {file.data.encoding === 'utf8' ? file.data.content : `(binary file, ${file.data.size} bytes)`}
            </pre>
          ) : (
            <p className="text-sm text-zinc-500">Choose a file.</p>
          )}
        </section>
      </div>
    </main>
  );
}
