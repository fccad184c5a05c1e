'use client';

import { useStore } from '@nanostores/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { capturePreview } from '@/components/agent/use-agent-store';
import { CompareView } from '@/components/design/compare-view';
import { Dialog } from '@/components/ui/dialog';
import { useWorkbench } from '@/components/workbench/context';
import { previewShown } from '@/lib/design/preview-shown';
import type { AgentStore } from '@/lib/stores/agent';
import { useTRPC, useTRPCClient } from '@/lib/trpc/client';

// The design loop of a project started from a design: the agent starts with the design and a
// design-to-code prompt; after each of its turns the preview is captured at the design's size,
// scored against it (design.score, which also decides whether to go on), and the capture goes back
// to the agent with the score, until the target, a plateau or the last round. The latest round is
// shown in the compare view.

export const designPrompt = (width: number, height: number) =>
  `Build the attached design as this Vite + React + TypeScript + Tailwind app (src/App.tsx and components under src/). ` +
  `Match its layout, spacing, colours and every text exactly, at a ${width}×${height} viewport. ` +
  `Start the dev server with start_process ("npm run dev") if it is not running, then check your work with screenshot_preview ` +
  `and try any buttons with preview_act. After each of your turns the IDE captures the preview, scores it against the design and sends you the result.`;

export function DesignLoop({ store, readOnly }: { store: AgentStore; readOnly: boolean }) {
  const wb = useWorkbench();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const state = useQuery(trpc.design.state.queryOptions({ projectId: wb.projectId })).data;
  const status = useStore(store.status);
  const items = useStore(store.items);
  const [note, setNote] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const started = useRef(false);
  const wasRunning = useRef(false);
  const stopped = useRef(false);

  // The first turn: the design and the prompt, once, in an empty chat.
  useEffect(() => {
    if (!state || readOnly || started.current || status !== 'idle' || items.length > 0) return;
    started.current = true;
    void store.send(designPrompt(state.design.width, state.design.height), [state.design.url]);
  }, [state, readOnly, status, items.length, store]);

  // After each turn: capture, score, and feed back while the loop goes on.
  useEffect(() => {
    if (status === 'running') wasRunning.current = true;
    if (status !== 'idle' || !wasRunning.current || !state || readOnly || stopped.current) return;
    wasRunning.current = false;
    void (async () => {
      try {
        const viewport = { width: state.design.width, height: state.design.height };
        await previewShown(wb.preview.port);
        const capture = await capturePreview(wb, client, viewport);
        const round = await client.design.score.mutate({ projectId: wb.projectId, capture: capture.png });
        await queryClient.invalidateQueries({ queryKey: trpc.design.state.queryKey({ projectId: wb.projectId }) });
        const parts = Object.entries(round.parts).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(', ');
        setNote(`Round ${round.round}: ${round.score.toFixed(1)} / 100. ${round.message}`);
        // The last round goes to the agent too, so it knows where the loop ended (and may still check
        // its work); no capture follows the turn it starts.
        if (round.decision !== 'continue') stopped.current = true;
        await store.send(`Round ${round.round}: the preview scores ${round.score.toFixed(1)} / 100 against the design (${parts}). The capture is attached. ${round.message}`, [capture.png]);
      } catch (error) {
        setNote(`The preview could not be scored: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  }, [status, state, readOnly, wb, client, queryClient, trpc, store]);

  if (!state) return null;
  const latest = state.latest;
  return (
    <section aria-label="Design" data-testid="design-loop" className="shrink-0 border-b border-zinc-200 px-2 py-1.5 text-[12px] dark:border-zinc-800">
      <div className="flex items-center gap-2">
        <span className="font-semibold">Design</span>
        <span data-testid="design-round-score" className="tabular-nums">
          {latest ? `round ${latest.round} · ${latest.score.toFixed(1)} / 100 (target ${state.target})` : 'no round yet'}
        </span>
        {latest && (
          <button type="button" className="ml-auto text-indigo-600 hover:underline dark:text-indigo-400" aria-haspopup="dialog" onClick={() => setOpen(true)}>
            Compare
          </button>
        )}
      </div>
      {note && (
        <p data-testid="design-loop-note" className="mt-0.5 text-zinc-600 dark:text-zinc-400">
          {note}
        </p>
      )}
      {/* In a dialog: the agent panel is too narrow to compare a page at the design's size. */}
      <Dialog open={open && !!latest} onClose={() => setOpen(false)} labelledBy="design-compare-title" testId="design-compare-dialog" className="w-[min(72rem,94vw)]">
        {latest && (
          <div className="flex flex-col gap-3 p-4">
            <div className="flex items-center">
              <h2 id="design-compare-title" className="text-base font-semibold">
                Design and preview, round {latest.round}
              </h2>
              <button type="button" className="ml-auto rounded-md border border-zinc-300 px-2 py-0.5 text-sm hover:bg-zinc-50 dark:border-zinc-600 dark:hover:bg-zinc-800" onClick={() => setOpen(false)}>
                Close
              </button>
            </div>
            <CompareView design={state.design.url} capture={latest.capture} diff={latest.diff} width={state.design.width} height={state.design.height} score={latest.score} parts={latest.parts} />
          </div>
        )}
      </Dialog>
    </section>
  );
}
