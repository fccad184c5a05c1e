'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { ATTACHABLE_TYPES, AttachmentsStore } from '@/lib/stores/attachments';
import { useTRPCClient } from '@/lib/trpc/client';

/** "New from design": drop a screenshot (or pick a file) → a Tailwind project whose agent builds it. */
export function NewFromDesign() {
  const client = useTRPCClient();
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const start = async (files: File[]) => {
    if (busy || files.length === 0) return;
    setError(null);
    // The same checks as a chat attachment (type by content, 10 MB); the server checks again.
    const reader = new AttachmentsStore();
    await reader.add(files.slice(0, 1));
    const [image] = reader.take();
    if (!image) return setError(reader.error.get() ?? 'Only PNG, JPEG and WebP images can be used.');
    setBusy(true);
    try {
      const project = await client.project.create.mutate({ template: 'vite-react-tailwind', title: `From design: ${files[0]!.name}`.slice(0, 80) });
      await client.design.start.mutate({ projectId: project.id, image });
      router.push(`/p/${project.id}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="new-from-design-heading" className="flex flex-col gap-3">
      <h2 id="new-from-design-heading" className="text-lg font-semibold">
        New from design
      </h2>
      <div
        data-testid="new-from-design"
        data-dragging={over || undefined}
        aria-busy={busy}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void start([...e.dataTransfer.files]);
        }}
        className={`flex flex-col items-center gap-2 rounded-lg border-2 border-dashed p-6 text-center text-sm ${over ? 'border-indigo-500 bg-indigo-50/50 dark:bg-indigo-950/30' : 'border-zinc-300 dark:border-zinc-700'}`}
      >
        <p>Drop a screenshot of a design here: the agent builds it with React and Tailwind, looks at its preview and is scored against the design.</p>
        <button
          type="button"
          disabled={busy}
          onClick={() => input.current?.click()}
          className="rounded-md border border-zinc-300 px-3 py-1 hover:border-indigo-400 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-60 dark:border-zinc-700"
        >
          {busy ? 'Creating the project…' : 'Pick an image'}
        </button>
        <input
          ref={input}
          type="file"
          accept={ATTACHABLE_TYPES.join(',')}
          hidden
          data-testid="new-from-design-input"
          onChange={(e) => {
            void start([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not start from this design: {error}
        </p>
      )}
    </section>
  );
}
