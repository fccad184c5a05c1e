import 'server-only';
import { stringify } from 'csv-stringify/sync';
import type { DashboardRow } from '@/db/queries/workshops';

// The dashboard as CSV for a spreadsheet. Names are typed by students: a cell starting with = + - @ (or a
// tab/CR) would run as a formula in Excel or Sheets, so such cells get a leading apostrophe (OWASP's advice).

const FORMULA_START = /^[=+\-@\t\r]/;
const safe = (value: string) => (FORMULA_START.test(value) ? `'${value}` : value);

export function dashboardCsv(rows: DashboardRow[]): string {
  return stringify([
    ['name', 'last activity (UTC)', 'files changed', 'tests passed', 'tests failed', 'tests run by', 'tokens used', 'agent turns'],
    ...rows.map((r) => [
      safe(r.displayName),
      r.lastActivityAt.toISOString(),
      r.filesChanged,
      r.test?.passed ?? '',
      r.test?.failed ?? '',
      r.test?.ranBy ?? '',
      r.tokensUsed,
      r.agentTurns,
    ]),
  ]);
}
