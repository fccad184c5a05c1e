'use client';

import { useMutation } from '@tanstack/react-query';
import { zipSync, type Zippable } from 'fflate';
import { useRouter } from 'next/navigation';
import { useState, type DragEvent } from 'react';
import { collectDropped, collectPicked } from '@/components/files/upload';
import { createIgnore } from '@/lib/sandbox/ignore';
import { useTRPC } from '@/lib/trpc/client';

type Picked = ReturnType<typeof collectPicked>[number];

/** A zip, or a folder zipped here (without dependencies and build output), ready to upload. */
async function toZip(picked: Picked[]): Promise<{ bytes: Uint8Array; title: string }> {
  const single = picked.length === 1 ? picked[0]! : null;
  if (single && /\.zip$/i.test(single.file.name)) {
    return { bytes: new Uint8Array(await single.file.arrayBuffer()), title: single.file.name.replace(/\.zip$/i, '') };
  }
  const ignored = createIgnore(null);
  const tree: Zippable = {};
  for (const p of picked) if (!ignored(p.relativePath)) tree[p.relativePath] = new Uint8Array(await p.file.arrayBuffer());
  return { bytes: zipSync(tree), title: picked[0]?.relativePath.split('/')[0] || 'Imported project' };
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Import a zip (picked or dropped) or a dropped folder as a new project. */
export function ImportZip() {
  const trpc = useTRPC();
  const router = useRouter();
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const upload = useMutation(trpc.archive.import.mutationOptions({ onSuccess: (p) => router.push(`/p/${p.id}`), onError: (e) => setError(e.message) }));

  const start = async (picked: Promise<Picked[]> | Picked[]) => {
    setError(null);
    try {
      const { bytes, title } = await toZip(await picked);
      upload.mutate({ title: title.slice(0, 100) || 'Imported project', zip: base64(bytes) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void start(collectDropped(e.dataTransfer));
  };

  return (
    <section aria-labelledby="import-heading" className="flex flex-col gap-3">
      <h2 id="import-heading" className="text-lg font-semibold">
        Import
      </h2>
      <div
        data-testid="import-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        className={`flex flex-wrap items-center gap-3 rounded-lg border border-dashed p-4 text-sm ${over ? 'border-indigo-500 bg-indigo-50/40 dark:bg-indigo-950/30' : 'border-zinc-300 dark:border-zinc-700'}`}
      >
        <span className="text-zinc-600 dark:text-zinc-400">Drop a .zip or a folder here, or</span>
        <label className="cursor-pointer rounded-md border border-zinc-300 px-3 py-1.5 font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800">
          choose a zip
          <input
            type="file"
            accept=".zip,application/zip"
            data-testid="import-zip-input"
            className="sr-only"
            disabled={upload.isPending}
            onChange={(e) => e.target.files && void start(collectPicked(e.target.files))}
          />
        </label>
        {upload.isPending && <span role="status">Importing…</span>}
      </div>
      {error && (
        <p role="alert" data-testid="import-error" className="text-sm text-red-700 dark:text-red-400">
          Could not import: {error}
        </p>
      )}
    </section>
  );
}
