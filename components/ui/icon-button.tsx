import type { ComponentProps, ReactNode } from 'react';

/** A square, labelled icon button: the label is its accessible name and its tooltip. */
export function IconButton({
  label,
  children,
  className = '',
  pressed,
  ...props
}: Omit<ComponentProps<'button'>, 'aria-label' | 'children'> & { label: string; children: ReactNode; pressed?: boolean }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      className={`inline-flex size-7 shrink-0 items-center justify-center rounded text-zinc-600 hover:bg-zinc-200/70 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-500 disabled:opacity-40 aria-pressed:bg-zinc-200 aria-pressed:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 dark:aria-pressed:bg-zinc-800 dark:aria-pressed:text-zinc-100 ${className}`}
      {...props}
    >
      {children}
    </button>
  );
}
