'use client';

import { useStore } from '@nanostores/react';
import { useState } from 'react';
import type { SandboxStore } from '@/lib/stores/sandbox';

/** Says which sandbox runs the project when it is not a WebContainer, and why. */
export function SandboxNotice({ sandbox }: { sandbox: SandboxStore }) {
  const reason = useStore(sandbox.fallbackReason);
  const error = useStore(sandbox.error);
  const [dismissed, setDismissed] = useState(false);
  if (error) {
    return (
      <div role="alert" data-testid="sandbox-error" className="flex items-center gap-2 border-b border-red-200 bg-red-50 px-3 py-1.5 text-xs text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
        <strong className="font-semibold">The sandbox could not start.</strong> {error}
      </div>
    );
  }
  if (!reason || dismissed) return null;
  return (
    <div role="status" data-testid="sandbox-notice" className="flex items-center gap-2 border-b border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/60 dark:text-amber-100">
      <span>
        <strong className="font-semibold">Running in the host sandbox, not a WebContainer.</strong> {reason}
      </span>
      <button
        type="button"
        onClick={() => setDismissed(true)}
        className="ml-auto rounded px-1.5 py-0.5 hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-amber-500 dark:hover:bg-amber-900"
        aria-label="Dismiss the sandbox notice"
      >
        Dismiss
      </button>
    </div>
  );
}
