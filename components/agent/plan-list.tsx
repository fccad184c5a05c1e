'use client';

import { useStore } from '@nanostores/react';
import type { AgentStore } from '@/lib/stores/agent';

const MARK = { pending: '○', in_progress: '◐', done: '●', cancelled: '⊘' } as const;
const LABEL = { pending: 'pending', in_progress: 'in progress', done: 'done', cancelled: 'cancelled' } as const;

/** The agent's task list (update_plan). */
export function PlanList({ store }: { store: AgentStore }) {
  const plan = useStore(store.plan);
  if (plan.length === 0) return null;
  const done = plan.filter((p) => p.status === 'done').length;
  return (
    <details open className="border-b border-zinc-200 px-3 py-1.5 dark:border-zinc-800" data-testid="agent-plan">
      <summary className="cursor-pointer text-[11px] font-semibold tracking-wider text-zinc-500 uppercase">
        Plan · {done}/{plan.length}
      </summary>
      <ol className="mt-1 space-y-0.5">
        {plan.map((item, i) => (
          <li key={i} data-status={item.status} className={`flex gap-2 text-[12px] ${item.status === 'done' || item.status === 'cancelled' ? 'text-zinc-400 line-through' : item.status === 'in_progress' ? 'font-medium' : ''}`}>
            <span aria-hidden="true" className={item.status === 'in_progress' ? 'text-indigo-500' : ''}>
              {MARK[item.status]}
            </span>
            <span>
              {item.title}
              <span className="sr-only"> ({LABEL[item.status]})</span>
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
