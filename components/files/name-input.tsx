'use client';

import { useEffect, useRef } from 'react';

/**
 * The inline name field for new and renamed files: Enter or leaving the field commits, Escape
 * cancels. For a file, only the part before the extension is selected, as editors do.
 */
export function NameInput({
  label,
  initial = '',
  selectStem = false,
  onSubmit,
  onCancel,
}: {
  label: string;
  initial?: string;
  selectStem?: boolean;
  onSubmit: (name: string) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, selectStem && dot > 0 ? dot : initial.length);
  }, [initial, selectStem]);

  const finish = (commit: boolean) => {
    if (done.current) return;
    done.current = true;
    const name = ref.current?.value.trim() ?? '';
    if (commit && name && name !== initial) onSubmit(name);
    else onCancel();
  };

  return (
    <input
      ref={ref}
      aria-label={label}
      defaultValue={initial}
      spellCheck={false}
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') finish(true);
        else if (e.key === 'Escape') finish(false);
      }}
      onBlur={() => finish(true)}
      className="mr-1 h-[20px] min-w-0 flex-1 rounded-sm border border-indigo-500 bg-white px-1 text-[13px] outline-none dark:bg-zinc-900"
    />
  );
}
