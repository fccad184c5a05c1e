import type { ToolDetail } from '@/lib/agent/tools';

type Check = Extract<ToolDetail, { kind: 'check' }>;

/** preview_act's result on its card: each step passed or failed, and what the page reported. */
export function CheckResult({ detail }: { detail: Check }) {
  const passed = detail.steps.every((s) => s.ok);
  return (
    <div data-testid="check-result" data-passed={passed} className="border-t border-zinc-200 px-2 py-1.5 dark:border-zinc-800">
      <p className={`font-medium ${passed ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'}`}>
        {passed ? `Check passed (${detail.steps.length} steps)` : 'Check failed'}
      </p>
      <ol className="mt-1 list-decimal pl-5 font-mono text-[11.5px]">
        {detail.steps.map((step, i) => (
          <li key={i} data-testid="check-step" data-ok={step.ok} className={step.ok ? 'text-zinc-600 dark:text-zinc-400' : 'text-red-700 dark:text-red-400'}>
            {step.ok ? '✓' : '✗'} {step.label} — <span className="whitespace-pre-wrap">{step.detail.slice(0, 300)}</span>
          </li>
        ))}
      </ol>
      {(detail.consoleErrors.length > 0 || detail.failedRequests.length > 0) && (
        <p className="mt-1 text-[11px] text-amber-700 dark:text-amber-400">
          {detail.consoleErrors.length} console error(s), {detail.failedRequests.length} failed request(s)
        </p>
      )}
    </div>
  );
}
