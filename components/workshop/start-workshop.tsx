'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { useTRPC } from '@/lib/trpc/client';

// The QR library loads only once a workshop's code is shown, never on the editor's way to the first key.
const QrCode = dynamic(async () => (await import('@/components/workshop/qr-code')).QrCode, { ssr: false });

const field = 'rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-600 dark:bg-zinc-800';

/** "Start a workshop" from a project the caller owns: title and settings → join code, link and QR code. */
export function StartWorkshop({ projectId, projectTitle }: { projectId: string; projectTitle: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        data-testid="start-workshop"
        onClick={() => setOpen(true)}
        className="rounded px-2 py-0.5 text-xs text-zinc-600 hover:bg-zinc-200 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800"
      >
        Start a workshop
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Start a workshop" testId="start-workshop-dialog" className="w-[min(34rem,92vw)]">
        <WorkshopsOfProject projectId={projectId} />
        <StartWorkshopForm projectId={projectId} projectTitle={projectTitle} />
      </Dialog>
    </>
  );
}

/** Workshops already started from this project: links back to their dashboards. */
function WorkshopsOfProject({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.workshop.ofProject.queryOptions({ projectId }));
  if (!list.data?.length) return null;
  return (
    <ul className="flex flex-col gap-1 border-b border-zinc-200 p-5 text-sm dark:border-zinc-800">
      {list.data.map((w) => (
        <li key={w.id} data-testid="workshop-list-item">
          <Link href={`/workshops/${w.id}`} className="text-indigo-600 hover:underline">
            {w.title}
          </Link>{' '}
          <span className="font-mono text-zinc-500">{w.code}</span> {w.ended && <span className="text-zinc-500">(ended)</span>}
        </li>
      ))}
    </ul>
  );
}

function StartWorkshopForm({ projectId, projectTitle }: { projectId: string; projectTitle: string }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.workshop.create.mutationOptions());
  const [title, setTitle] = useState(projectTitle);
  const [agent, setAgent] = useState(true);
  const [dailyTokens, setDailyTokens] = useState(200_000);
  const [approval, setApproval] = useState<'auto' | 'ask' | 'read-only'>('ask');
  const [network, setNetwork] = useState<'off' | 'allowlist' | 'full'>('allowlist');
  const [endsAt, setEndsAt] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ projectId, title, settings: { agent, dailyTokens, approval, network }, endsAt: endsAt ? new Date(endsAt) : undefined });
  };

  if (create.data) {
    const link = `${window.location.origin}/w/${create.data.code}`;
    return (
      <div className="flex flex-col items-center gap-3 p-5 text-center">
        <h2 className="text-base font-semibold">Students join with</h2>
        <p data-testid="workshop-code" className="font-mono text-4xl font-bold tracking-[0.3em]">
          {create.data.code}
        </p>
        <a data-testid="workshop-join-link" href={link} className="text-sm text-indigo-600 hover:underline">
          {link}
        </a>
        <QrCode text={link} testId="workshop-qr" />
        <Link data-testid="workshop-dashboard-link" href={`/workshops/${create.data.id}`} className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500">
          Open the dashboard
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-3 p-5 text-sm">
      <h2 className="text-base font-semibold">Start a workshop</h2>
      <p className="text-zinc-600 dark:text-zinc-400">Each student who joins gets a copy of this project. You see their progress live.</p>
      <label className="flex flex-col gap-1">
        Title
        <input data-testid="workshop-title" className={field} value={title} maxLength={100} required onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="flex items-center gap-2">
        <input data-testid="workshop-agent" type="checkbox" checked={agent} onChange={(e) => setAgent(e.target.checked)} />
        Students may use the agent
      </label>
      <label className="flex flex-col gap-1">
        Model tokens per student per day
        <input data-testid="workshop-tokens" className={field} type="number" min={1000} max={10_000_000} step={1000} value={dailyTokens} onChange={(e) => setDailyTokens(Number(e.target.value))} />
      </label>
      <label className="flex flex-col gap-1">
        Agent approvals on students&apos; projects
        <select data-testid="workshop-approval" className={field} value={approval} onChange={(e) => setApproval(e.target.value as typeof approval)}>
          <option value="ask">Ask before commands and edits</option>
          <option value="auto">Run without asking</option>
          <option value="read-only">Read only</option>
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Sandbox network
        <select data-testid="workshop-network" className={field} value={network} onChange={(e) => setNetwork(e.target.value as typeof network)}>
          <option value="allowlist">npm registry only</option>
          <option value="off">Off</option>
          <option value="full">Full</option>
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Ends at (optional)
        <input data-testid="workshop-ends-at" className={field} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
      </label>
      {create.error && (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {create.error.message}
        </p>
      )}
      <button type="submit" data-testid="workshop-create" disabled={create.isPending} className="self-end rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500 disabled:opacity-60">
        Start
      </button>
    </form>
  );
}
