'use client';

import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import type { AppRouter } from '@/server/api/root';

/** A row as the dashboard procedure sends it (db/queries/workshops.ts DashboardRow). */
export type StudentRow = inferRouterOutputs<AppRouter>['workshop']['dashboard']['students'][number];

const cell = 'px-3 py-1.5';

/** The dashboard's live table: one row per student, in join order. */
export function StudentTable({ students }: { students: StudentRow[] }) {
  if (students.length === 0) {
    return (
      <p data-testid="no-students" className="text-sm text-zinc-500">
        Nobody has joined yet.
      </p>
    );
  }
  return (
    <table data-testid="student-table" className="w-full border-collapse text-left text-sm">
      <thead className="border-b border-zinc-200 text-xs text-zinc-500 uppercase dark:border-zinc-800">
        <tr>
          <th className={cell}>Name</th>
          <th className={cell}>Last activity</th>
          <th className={cell}>Files changed</th>
          <th className={cell}>Last test run</th>
          <th className={cell}>Tokens used</th>
          <th className={cell}>Agent turns</th>
          <th className={cell} />
        </tr>
      </thead>
      <tbody>
        {students.map((s) => (
          <tr key={s.userId} data-testid="student-row" data-name={s.displayName} className="border-b border-zinc-100 dark:border-zinc-900">
            <td className={`${cell} font-medium`}>{s.displayName}</td>
            <td className={cell} data-testid="cell-activity">
              {s.lastActivityAt.toLocaleTimeString()}
            </td>
            <td className={cell} data-testid="cell-files">
              {s.filesChanged}
            </td>
            <td className={cell} data-testid="cell-tests">
              {s.test ? (
                <span className={s.test.failed > 0 ? 'text-red-700 dark:text-red-400' : 'text-green-700 dark:text-green-400'}>
                  {s.test.passed} passed, {s.test.failed} failed <span className="text-zinc-500">({s.test.ranBy === 'agent' ? 'by the agent' : 'by the student'})</span>
                </span>
              ) : (
                <span className="text-zinc-400">not run</span>
              )}
            </td>
            <td className={cell} data-testid="cell-tokens">
              {s.tokensUsed.toLocaleString('en-US')}
            </td>
            <td className={cell} data-testid="cell-turns">
              {s.agentTurns}
            </td>
            <td className={cell}>
              <Link data-testid="open-student" href={`/p/${s.projectId}`} target="_blank" className="text-indigo-600 hover:underline">
                Open (read-only)
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
