'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ErrorPage } from '@/components/ui/error-page';
import { QrCode } from '@/components/workshop/qr-code';
import { StudentTable } from '@/components/workshop/student-table';
import { useTRPC } from '@/lib/trpc/client';

const action = 'rounded-md border border-zinc-300 px-3 py-1.5 text-sm hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-600 dark:hover:bg-zinc-800';

/** The teacher's dashboard: a live table of students (SSE), announce, push starter files, end, CSV. */
export function WorkshopDashboard({ workshopId }: { workshopId: string }) {
  const trpc = useTRPC();
  const live = useSubscription(trpc.workshop.dashboardLive.subscriptionOptions({ workshopId }));
  const dashboard = live.data;

  if (live.error && !dashboard) {
    return <ErrorPage title="Workshop not available" message={live.error.message} testId="dashboard-error" backLabel="Back to my projects" />;
  }
  if (!dashboard) return <main className="px-6 py-16 text-sm text-zinc-500">Loading the workshop…</main>;
  const w = dashboard.workshop;
  const link = `${window.location.origin}/w/${w.code}`;
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-6 px-6 py-8" data-testid="workshop-dashboard">
      <header className="flex flex-wrap items-start justify-between gap-6">
        <div className="flex flex-col gap-1">
          <Link href="/" className="text-sm text-zinc-500 hover:underline">
            ← Projects
          </Link>
          <h1 className="text-2xl font-semibold">{w.title}</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Join code <span data-testid="dashboard-code" className="font-mono text-lg font-bold tracking-widest">{w.code}</span> ·{' '}
            <a href={link} className="text-indigo-600 hover:underline">
              {link}
            </a>
          </p>
          <p className="text-xs text-zinc-500">
            Agent {w.settings.agent ? 'on' : 'off'} · {w.settings.dailyTokens.toLocaleString('en-US')} tokens per student per day · approvals {w.settings.approval} ·
            network {w.settings.network}
            {w.endsAt && ` · ends ${w.endsAt.toLocaleString()}`}
          </p>
          {w.ended && (
            <p role="status" data-testid="dashboard-ended" className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
              This workshop has ended: students&apos; projects are read-only.
            </p>
          )}
          <p data-testid="live-status" data-state={live.status} className="text-xs text-zinc-400">
            {live.status === 'pending' ? 'Live' : live.status === 'connecting' ? 'Reconnecting…' : live.status}
          </p>
        </div>
        <QrCode text={link} size={128} testId="dashboard-qr" />
      </header>
      <StudentTable students={dashboard.students} />
      {!w.ended && <TeacherActions workshopId={workshopId} />}
      <CsvExport workshopId={workshopId} />
    </main>
  );
}

function TeacherActions({ workshopId }: { workshopId: string }) {
  const trpc = useTRPC();
  const announce = useMutation(trpc.workshop.announce.mutationOptions());
  const push = useMutation(trpc.workshop.pushStarter.mutationOptions());
  const end = useMutation(trpc.workshop.end.mutationOptions());
  const [text, setText] = useState('');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    announce.mutate({ workshopId, text }, { onSuccess: () => setText('') });
  };
  const error = announce.error ?? push.error ?? end.error;
  return (
    <section className="flex flex-col gap-3" aria-label="Teacher actions">
      <form onSubmit={submit} className="flex gap-2">
        <input data-testid="announce-text" value={text} maxLength={500} placeholder="Announce to everyone…" onChange={(e) => setText(e.target.value)} className="min-w-0 flex-1 rounded-md border border-zinc-300 px-2 py-1.5 text-sm dark:border-zinc-600 dark:bg-zinc-800" />
        <button type="submit" data-testid="announce-submit" disabled={announce.isPending || !text.trim()} className={action}>
          Announce
        </button>
      </form>
      <div className="flex flex-wrap gap-2">
        <button type="button" data-testid="push-starter" disabled={push.isPending} onClick={() => push.mutate({ workshopId })} className={action}>
          Push new starter files
        </button>
        <button type="button" data-testid="end-workshop" onClick={() => setConfirmEnd(true)} className={`${action} text-red-700 dark:text-red-400`}>
          End the workshop
        </button>
      </div>
      {push.data && (
        <div role="status" data-testid="push-result" className="text-sm">
          Added {push.data.added} file{push.data.added === 1 ? '' : 's'}, updated {push.data.updated} untouched file{push.data.updated === 1 ? '' : 's'} in students&apos;
          projects.
          {push.data.conflicts.length > 0 && (
            <ul data-testid="push-conflicts" className="mt-1 list-disc pl-5 text-zinc-600 dark:text-zinc-400">
              {push.data.conflicts.map((c) => (
                <li key={`${c.projectId}:${c.path}`}>
                  {c.displayName}: {c.path} differs (kept theirs)
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error.message}
        </p>
      )}
      <ConfirmDialog
        open={confirmEnd}
        title="End the workshop?"
        message="Students' projects become read-only. Everything they saved is kept."
        confirmLabel="End the workshop"
        onCancel={() => setConfirmEnd(false)}
        onConfirm={() => {
          setConfirmEnd(false);
          end.mutate({ workshopId });
        }}
      />
    </section>
  );
}

function CsvExport({ workshopId }: { workshopId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [failed, setFailed] = useState<string | null>(null);
  const download = async () => {
    try {
      const { filename, csv } = await queryClient.fetchQuery({ ...trpc.workshop.exportCsv.queryOptions({ workshopId }), staleTime: 0 });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: filename });
      a.click();
      URL.revokeObjectURL(url);
      setFailed(null);
    } catch (error) {
      setFailed(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div>
      <button type="button" data-testid="export-csv" onClick={() => void download()} className={action}>
        Export progress (CSV)
      </button>
      {failed && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {failed}
        </p>
      )}
    </div>
  );
}
