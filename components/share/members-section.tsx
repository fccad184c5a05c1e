'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { useTRPC } from '@/lib/trpc/client';

type MemberRole = 'editor' | 'viewer';

/** Invite links by role (the link is shown once), the members with their roles, pending invites. */
export function MembersSection({ projectId }: { projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.members.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey({ projectId }) });
  const [role, setRole] = useState<MemberRole>('editor');
  const [inviteUrl, setInviteUrl] = useState<string | null>(null);
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: ({ token }) => {
        setInviteUrl(`${window.location.origin}/i/${token}`);
        void refresh();
      },
    }),
  );
  const setMemberRole = useMutation(trpc.members.setRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.members.remove.mutationOptions({ onSuccess: refresh }));
  const revokeInvite = useMutation(trpc.members.revokeInvite.mutationOptions({ onSuccess: refresh }));
  const error = list.error ?? invite.error ?? setMemberRole.error ?? remove.error ?? revokeInvite.error;

  return (
    <section aria-labelledby="members-heading" className="flex flex-col gap-2">
      <h2 id="members-heading" className="font-semibold">
        People
      </h2>
      <div className="flex items-center gap-2">
        <label className="flex items-center gap-2">
          Invite as
          <select
            data-testid="invite-role"
            value={role}
            onChange={(e) => setRole(e.target.value === 'viewer' ? 'viewer' : 'editor')}
            className="rounded border border-zinc-300 px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-950"
          >
            <option value="editor">editor</option>
            <option value="viewer">viewer</option>
          </select>
        </label>
        <Button data-testid="invite-create" onClick={() => invite.mutate({ projectId, role })} disabled={invite.isPending}>
          Create invite link
        </Button>
      </div>
      {inviteUrl && (
        <div className="flex flex-col gap-1">
          <input data-testid="invite-url" readOnly value={inviteUrl} className="rounded border border-zinc-300 px-2 py-1 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950" />
          <span className="text-xs text-zinc-500">Shown once: copy it now. Anyone who opens it and accepts joins as {role}.</span>
        </div>
      )}
      <ul data-testid="member-list" className="divide-y divide-zinc-200 rounded border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
        {list.data?.members.length === 0 && <li className="px-3 py-2 text-zinc-500">No one else yet.</li>}
        {list.data?.members.map((m) => (
          <li key={m.userId} data-testid="member" data-user-id={m.userId} className="flex items-center gap-2 px-3 py-2">
            <span className="flex-1 truncate">{m.displayName ?? `Anonymous ${m.userId.slice(0, 8)}`}</span>
            <select
              aria-label="Role"
              data-testid="member-role"
              value={m.role}
              onChange={(e) => setMemberRole.mutate({ projectId, userId: m.userId, role: e.target.value === 'viewer' ? 'viewer' : 'editor' })}
              className="rounded border border-zinc-300 px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-950"
            >
              <option value="editor">editor</option>
              <option value="viewer">viewer</option>
            </select>
            <Button data-testid="member-remove" variant="danger" onClick={() => remove.mutate({ projectId, userId: m.userId })}>
              Remove
            </Button>
          </li>
        ))}
        {list.data?.invites.map((i) => (
          <li key={i.id} data-testid="pending-invite" className="flex items-center gap-2 px-3 py-2 text-zinc-500">
            <span className="flex-1">Invite link ({i.role}), made {i.createdAt.toLocaleString()}</span>
            <Button variant="danger" onClick={() => revokeInvite.mutate({ projectId, inviteId: i.id })}>
              Revoke
            </Button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-red-700">
          {error.message}
        </p>
      )}
    </section>
  );
}
