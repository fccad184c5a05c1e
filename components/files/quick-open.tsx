'use client';

import { useStore } from '@nanostores/react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { FileIcon } from '@/components/files/file-icon';
import { fuzzyFilter } from '@/components/files/fuzzy';
import { Dialog } from '@/components/ui/dialog';
import { useWorkbench } from '@/components/workbench/context';
import { baseName } from '@/lib/files/path';
import { useTRPC } from '@/lib/trpc/client';

/**
 * Ctrl/Cmd+P: find a file by name (fuzzy, as in VS Code). ":42" goes to line 42 of the open file,
 * "App:42" opens the best match at line 42.
 */
export function QuickOpen() {
  const wb = useWorkbench();
  const overlay = useStore(wb.editor.overlay);
  const open = overlay === 'quick-open';
  return (
    <Dialog open={open} onClose={() => wb.editor.showOverlay(null)} title="Go to file" testId="quick-open" className="mt-[12vh] mb-auto w-[min(36rem,92vw)]">
      {open && <QuickOpenBody />}
    </Dialog>
  );
}

function QuickOpenBody() {
  const wb = useWorkbench();
  const trpc = useTRPC();
  const tree = useQuery(trpc.files.tree.queryOptions({ projectId: wb.projectId }));
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState(0);
  const [, name = '', lineText] = /^(.*?)(?::(\d*))?$/.exec(query) ?? [];
  const line = lineText ? Number(lineText) : undefined;
  const results = useMemo(() => fuzzyFilter(name, (tree.data ?? []).map((f) => f.path), 50), [name, tree.data]);
  const close = () => wb.editor.showOverlay(null);

  const choose = (path: string | undefined) => {
    const target = path ?? (name === '' ? wb.editor.active.get() : undefined);
    if (!target) return;
    close();
    wb.editor.open(target, line ? { line } : undefined);
  };

  return (
    <div className="flex max-h-[60vh] flex-col">
      <input
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls="quick-open-results"
        aria-activedescendant={results[selected] ? `quick-open-${selected}` : undefined}
        aria-label="File name to open (add :line to go to a line)"
        placeholder="Search files by name (append :line to go to a line)"
        value={query}
        spellCheck={false}
        onChange={(e) => {
          setQuery(e.target.value);
          setSelected(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setSelected((i) => Math.min(i + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setSelected((i) => Math.max(i - 1, 0));
          else if (e.key === 'Enter') choose(name === '' && line ? undefined : results[selected]?.path);
          else return;
          e.preventDefault();
        }}
        className="border-b border-zinc-200 bg-transparent px-4 py-3 text-sm outline-none dark:border-zinc-700"
      />
      <ul id="quick-open-results" role="listbox" aria-label="Matching files" className="min-h-0 overflow-auto py-1">
        {name === '' && line ? (
          <li className="px-4 py-2 text-sm text-zinc-500">Press Enter to go to line {line} of the open file.</li>
        ) : results.length === 0 ? (
          <li className="px-4 py-2 text-sm text-zinc-500">{tree.isPending ? 'Loading…' : 'No matching files.'}</li>
        ) : (
          results.map((r, i) => (
            <li
              key={r.path}
              id={`quick-open-${i}`}
              role="option"
              aria-selected={i === selected}
              data-testid="quick-open-item"
              data-path={r.path}
              onMouseMove={() => setSelected(i)}
              onClick={() => choose(r.path)}
              className={`flex cursor-pointer items-center gap-1 px-3 py-1 text-sm ${i === selected ? 'bg-indigo-100 dark:bg-indigo-950' : ''}`}
            >
              <FileIcon name={baseName(r.path)} />
              <Highlighted text={baseName(r.path)} offset={r.path.length - baseName(r.path).length} positions={r.positions} />
              <span className="ml-2 truncate text-xs text-zinc-500">{r.path}</span>
            </li>
          ))
        )}
      </ul>
    </div>
  );
}

function Highlighted({ text, offset, positions }: { text: string; offset: number; positions: number[] }) {
  const marked = new Set(positions.map((p) => p - offset));
  return (
    <span className="shrink-0">
      {[...text].map((ch, i) => (marked.has(i) ? <b key={i} className="text-indigo-600 dark:text-indigo-400">{ch}</b> : ch))}
    </span>
  );
}
