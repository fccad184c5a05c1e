'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { FileIcon } from '@/components/files/file-icon';
import { useWorkbench } from '@/components/workbench/context';
import { baseName } from '@/lib/files/path';
import { useTRPC } from '@/lib/trpc/client';

/** Ctrl/Cmd+Shift+F: text search across the project's files, results by file with line previews. */
export function SearchPanel({ focusKey }: { focusKey: number }) {
  const wb = useWorkbench();
  const trpc = useTRPC();
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [wholeWord, setWholeWord] = useState(false);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [focusKey]);

  // Typing settles for a moment before the server is asked; unsaved edits are saved first so
  // the results match what is on screen.
  useEffect(() => {
    const timer = setTimeout(() => {
      void wb.files.saveAll().finally(() => setQuery(text.trim()));
    }, 250);
    return () => clearTimeout(timer);
  }, [text, wb]);

  const search = useQuery({
    ...trpc.files.search.queryOptions({ projectId: wb.projectId, query, caseSensitive, wholeWord }),
    enabled: query.length > 0,
    staleTime: 0,
  });
  const total = search.data?.files.reduce((n, f) => n + f.matches.length, 0) ?? 0;

  return (
    <section aria-label="Search" className="flex h-full min-h-0 flex-col">
      <h2 className="flex h-9 shrink-0 items-center px-3 text-[11px] font-semibold tracking-wider text-zinc-500 uppercase">Search</h2>
      <div className="flex items-center gap-1 px-2 pb-2">
        <input
          ref={input}
          type="search"
          aria-label="Search in files"
          placeholder="Search in files"
          value={text}
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          className="min-w-0 flex-1 rounded border border-zinc-300 bg-white px-2 py-1 text-[13px] outline-none focus:border-indigo-500 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <Toggle label="Match case" pressed={caseSensitive} onToggle={setCaseSensitive}>
          Aa
        </Toggle>
        <Toggle label="Match whole word" pressed={wholeWord} onToggle={setWholeWord}>
          <span className="underline">ab</span>
        </Toggle>
      </div>
      <div className="min-h-0 flex-1 overflow-auto pb-4" data-testid="search-results" aria-live="polite">
        {search.error && (
          <p role="alert" className="px-3 text-sm text-red-700 dark:text-red-400">
            Search failed: {search.error.message}
          </p>
        )}
        {search.data && (
          <p className="px-3 pb-1 text-xs text-zinc-500">
            {total === 0
              ? 'No results.'
              : `${total} result${total === 1 ? '' : 's'} in ${search.data.files.length} file${search.data.files.length === 1 ? '' : 's'}${search.data.truncated ? ' (more not shown)' : ''}`}
          </p>
        )}
        <ul aria-label="Search results">
          {search.data?.files.map((file) => (
            <li key={file.path}>
              <div className="flex items-center px-2 py-0.5 text-[13px]" title={file.path}>
                <FileIcon name={baseName(file.path)} />
                <span className="font-medium">{baseName(file.path)}</span>
                <span className="ml-2 truncate text-xs text-zinc-500">{file.path}</span>
              </div>
              <ul>
                {file.matches.map((m) => (
                  <li key={`${m.line}:${m.column}`}>
                    <button
                      type="button"
                      data-testid="search-result"
                      data-path={file.path}
                      data-line={m.line}
                      onClick={() => wb.editor.open(file.path, { line: m.line, column: m.column })}
                      className="block w-full truncate py-0.5 pr-2 pl-9 text-left font-mono text-xs hover:bg-zinc-200/70 focus-visible:bg-indigo-100 focus-visible:outline-none dark:hover:bg-zinc-800 dark:focus-visible:bg-indigo-950"
                    >
                      <span className="mr-2 text-zinc-400">{m.line}</span>
                      {m.preview.slice(0, m.previewOffset).trimStart()}
                      <mark className="rounded-sm bg-amber-200 text-inherit dark:bg-amber-700/60">
                        {m.preview.slice(m.previewOffset, m.previewOffset + m.length)}
                      </mark>
                      {m.preview.slice(m.previewOffset + m.length)}
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function Toggle({ label, pressed, onToggle, children }: { label: string; pressed: boolean; onToggle: (v: boolean) => void; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      onClick={() => onToggle(!pressed)}
      className="inline-flex h-7 w-7 items-center justify-center rounded text-xs text-zinc-600 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-pressed:bg-indigo-100 aria-pressed:text-indigo-700 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:aria-pressed:bg-indigo-950 dark:aria-pressed:text-indigo-300"
    >
      {children}
    </button>
  );
}
