import 'server-only';
import type { Db } from '@/db/client';
import { recordAgentTurn, recordTestRun, workshopOfFork } from '@/db/queries/workshops';
import type { StoredContent } from '@/lib/agent/protocol';
import { workshopChanged } from '@/server/workshop/events';
import { parseTestSummary } from '@/server/workshop/test-output';

// A student's progress as the dashboard shows it: agent turns and tokens (server/model/turn.ts), and test
// runs seen in their terminal (server/sandbox-host/ws-endpoint.ts) or in the agent's command results.

export async function recordWorkshopTurn(db: Db, workshopId: string, forkProjectId: string, tokens: number): Promise<void> {
  await recordAgentTurn(db, forkProjectId, tokens);
  workshopChanged(workshopId);
}

/** Records the last test summary in the results of the agent's run_command calls, if any (ran by the agent). */
export async function recordAgentTestRuns(db: Db, project: { id: string; forkedFromId: string | null }, history: StoredContent[]): Promise<void> {
  if (!project.forkedFromId) return;
  const results: string[] = [];
  for (let i = history.length - 1; i >= 0; i--) {
    const entry = history[i]!;
    if (entry.kind !== 'tool') break;
    if (entry.name === 'run_command') results.unshift(entry.output);
  }
  const counts = results.map(parseTestSummary).findLast((c) => c !== null);
  if (!counts) return;
  const found = await workshopOfFork(db, project.id);
  if (!found) return;
  await recordTestRun(db, project.id, { ...counts, ranBy: 'agent' });
  workshopChanged(found.workshop.id);
}

/** After output goes quiet this long, the terminal's latest output is read for a summary. */
const QUIET_MS = 300;
const MAX_BUFFER = 16 * 1024;

/**
 * A watcher for a student's terminal on their fork (undefined for other projects): `feed` it the output;
 * once the output pauses, a test summary in it is recorded as the student's run, and the buffer cleared.
 */
export async function terminalTestWatcher(db: Db, project: { id: string; forkedFromId: string | null }): Promise<{ feed: (chunk: string) => void; close: () => void } | undefined> {
  if (!project.forkedFromId) return undefined;
  const found = await workshopOfFork(db, project.id);
  if (!found) return undefined;
  let buffer = '';
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    timer = undefined;
    const counts = parseTestSummary(buffer);
    if (!counts) return;
    buffer = '';
    void recordTestRun(db, project.id, { ...counts, ranBy: 'student' }).then(
      () => workshopChanged(found.workshop.id),
      (error: unknown) => console.error('workshop: could not record a test run:', error),
    );
  };
  return {
    feed(chunk) {
      buffer = (buffer + chunk).slice(-MAX_BUFFER);
      clearTimeout(timer);
      timer = setTimeout(check, QUIET_MS);
    },
    close() {
      clearTimeout(timer);
      check();
    },
  };
}
