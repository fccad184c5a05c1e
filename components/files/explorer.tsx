'use client';

import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { FileTree, type Creating } from '@/components/files/file-tree';
import { collectPicked, planUpload } from '@/components/files/upload';
import { useFileActions } from '@/components/files/use-file-actions';
import { IconButton } from '@/components/ui/icon-button';
import { CloseIcon, CollapseIcon, NewFileIcon, NewFolderIcon, UploadIcon } from '@/components/ui/icons';
import { useWorkbench } from '@/components/workbench/context';
import { useTRPC } from '@/lib/trpc/client';
import { parentOf } from '@/lib/files/path';

/** The explorer side bar: the project's files with actions for creating, uploading and tidying. */
export function Explorer({ title, readOnly }: { title: string; readOnly: boolean }) {
  const wb = useWorkbench();
  const trpc = useTRPC();
  const tree = useQuery(trpc.files.tree.queryOptions({ projectId: wb.projectId }));
  const actions = useFileActions();
  const [creating, setCreating] = useState<Creating>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const targetFolder = () => {
    const active = wb.editor.active.get();
    return active ? parentOf(active) : '';
  };

  const upload = async (list: FileList | null) => {
    if (!list || list.length === 0) return;
    try {
      const plan = await planUpload(collectPicked(list), targetFolder());
      const result = await actions.upload(plan.files);
      setNotice(`Uploaded ${result.created.length} file${result.created.length === 1 ? '' : 's'}.`);
      const problems = [...plan.skipped.map((s) => `skipped ${s}`), ...result.failed];
      if (problems.length > 0) setError(`Some files were not uploaded: ${problems.join('; ')}`);
    } catch (e) {
      setError(`Could not upload: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <section aria-label="Explorer" className="flex h-full min-h-0 flex-col">
      <div className="flex h-9 shrink-0 items-center gap-0.5 pr-1 pl-3">
        <h2 className="min-w-0 flex-1 truncate text-[11px] font-semibold tracking-wider text-zinc-500 uppercase" title={title}>
          {title}
        </h2>
        {!readOnly && (
          <>
            <IconButton label="New file" onClick={() => setCreating({ kind: 'file', folder: targetFolder() })}>
              <NewFileIcon />
            </IconButton>
            <IconButton label="New folder" onClick={() => setCreating({ kind: 'directory', folder: targetFolder() })}>
              <NewFolderIcon />
            </IconButton>
            <IconButton label="Upload files" onClick={() => picker.current?.click()}>
              <UploadIcon />
            </IconButton>
            <input
              ref={picker}
              type="file"
              multiple
              hidden
              aria-hidden="true"
              tabIndex={-1}
              onChange={(e) => {
                void upload(e.target.files);
                e.target.value = '';
              }}
            />
          </>
        )}
        <IconButton label="Collapse folders" onClick={() => wb.collapseAll()}>
          <CollapseIcon />
        </IconButton>
      </div>
      {tree.error && (
        <p role="alert" className="px-3 py-1 text-sm text-red-700 dark:text-red-400">
          Could not load the files: {tree.error.message}
        </p>
      )}
      {tree.isPending && <p className="px-3 py-1 text-sm text-zinc-500">Loading files…</p>}
      {tree.data && (
        <FileTree
          paths={tree.data.map((f) => f.path)}
          actions={actions}
          readOnly={readOnly}
          creating={creating}
          onCreatingDone={() => setCreating(null)}
          onError={setError}
          onNotice={(m) => {
            setNotice(m);
            setError(null);
          }}
        />
      )}
      {(error || notice) && (
        <div
          role={error ? 'alert' : 'status'}
          className={`m-2 flex items-start gap-2 rounded border px-2 py-1.5 text-xs ${
            error
              ? 'border-red-300 bg-red-50 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200'
              : 'border-zinc-200 bg-white text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300'
          }`}
        >
          <p className="min-w-0 flex-1 break-words">{error ?? notice}</p>
          <IconButton label="Dismiss" className="size-5" onClick={() => (setError(null), setNotice(null))}>
            <CloseIcon size={12} />
          </IconButton>
        </div>
      )}
    </section>
  );
}
