'use client';

import type { WorkshopView } from '@/components/workshop/use-workshop-view';

/** Under the workbench's header on a student's fork: the workshop, the teacher's announcement, the end. */
export function WorkshopBanner({ view }: { view: WorkshopView }) {
  if (view.ended) {
    return (
      <div role="alert" data-testid="workshop-ended" className="border-b border-zinc-300 bg-zinc-100 px-3 py-1.5 text-xs text-zinc-800 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200">
        The workshop &ldquo;{view.title}&rdquo; has ended: this project is read-only. Everything you saved is kept.
      </div>
    );
  }
  if (!view.announcement) return null;
  return (
    <div role="status" data-testid="workshop-announcement" className="border-b border-indigo-200 bg-indigo-50 px-3 py-1.5 text-xs text-indigo-900 dark:border-indigo-900 dark:bg-indigo-950 dark:text-indigo-100">
      <span className="font-semibold">{view.title}:</span> {view.announcement}
    </div>
  );
}
