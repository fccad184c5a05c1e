'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '@/components/ui/dialog';
import type { ResolvedSettings } from '@/lib/project-settings';
import { useTRPC } from '@/lib/trpc/client';

type Key = keyof ResolvedSettings;

const FIELDS: { key: Key; label: string; help: string; options: { value: string; label: string }[] }[] = [
  {
    key: 'sandbox',
    label: 'Sandbox',
    help: 'Where commands run. Auto uses a WebContainer in this tab when it starts, else the host sandbox. Applies on reload.',
    options: [
      { value: 'auto', label: 'Auto' },
      { value: 'webcontainer', label: 'WebContainer (in this tab)' },
      { value: 'host', label: 'Host sandbox (on the server)' },
    ],
  },
  {
    key: 'network',
    label: 'Network',
    help: 'What commands in the host sandbox may reach. Allowlist lets npm install from the registry.',
    options: [
      { value: 'off', label: 'Off' },
      { value: 'allowlist', label: 'Allowlist (npm registry)' },
      { value: 'full', label: 'Full' },
    ],
  },
  {
    key: 'approval',
    label: 'Agent approvals',
    help: 'Ask: edits apply, commands wait for your click (read-only ones run). Dangerous commands always ask.',
    options: [
      { value: 'auto', label: 'Auto' },
      { value: 'ask', label: 'Ask before commands' },
      { value: 'read-only', label: 'Read-only' },
    ],
  },
];

/** The project's settings; only the owner may change them. */
export function SettingsDialog({ projectId, open, onClose }: { projectId: string; open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const config = useQuery({ ...trpc.sandbox.config.queryOptions({ projectId }), enabled: open });
  const update = useMutation(
    trpc.sandbox.updateSettings.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.sandbox.config.queryKey({ projectId }) }),
    }),
  );
  const canEdit = config.data?.role === 'owner';
  return (
    <Dialog open={open} onClose={onClose} title="Project settings" testId="settings-dialog" className="w-[28rem]">
      <form method="dialog" className="space-y-4 p-5">
        <h2 className="text-base font-semibold">Project settings</h2>
        {config.data && !config.data.adapters.includes('webcontainer') && (
          <p className="text-xs text-zinc-500">This server runs projects in its host sandbox only.</p>
        )}
        {FIELDS.map((field) => (
          <label key={field.key} className="block text-sm">
            <span className="font-medium">{field.label}</span>
            <select
              data-testid={`setting-${field.key}`}
              disabled={!canEdit || update.isPending}
              value={config.data?.settings[field.key] ?? ''}
              onChange={(e) => update.mutate({ projectId, [field.key]: e.target.value })}
              className="mt-1 block w-full rounded border border-zinc-300 bg-white px-2 py-1.5 dark:border-zinc-700 dark:bg-zinc-950"
            >
              {field.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            <span className="mt-1 block text-xs text-zinc-500">{field.help}</span>
          </label>
        ))}
        {!canEdit && config.data && <p className="text-xs text-zinc-500">Only the project&apos;s owner can change these.</p>}
        {update.error && (
          <p role="alert" className="text-xs text-red-600">
            {update.error.message}
          </p>
        )}
        <div className="flex justify-end">
          <button type="submit" className="rounded bg-zinc-900 px-3 py-1.5 text-sm text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900">
            Done
          </button>
        </div>
      </form>
    </Dialog>
  );
}
