/** The workbench's frame while its chunk, its data or its store is on the way: top bar, activity bar, side bar, status bar. */
export function WorkbenchSkeleton() {
  return (
    <div className="flex h-dvh flex-col" aria-busy="true" aria-label="Loading the workbench">
      <div className="h-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
      <div className="flex flex-1">
        <div className="w-11 border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
        <div className="w-56 border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
        <div className="flex-1" />
      </div>
      <div className="h-6 border-t border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
    </div>
  );
}
