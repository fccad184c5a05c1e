// A line diff for the agent's cards and per-turn changes (Myers' O(ND) algorithm), grouped into
// hunks with context, like `diff -u`. Big inputs give up and show a summary instead.

export type DiffLine = { type: 'same' | 'add' | 'del'; text: string; oldNo?: number; newNo?: number };
export interface Hunk {
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

const MAX_EDIT_DISTANCE = 4000;

function split(text: string | null): string[] {
  if (text === null || text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script from a to b, or null when they differ in more than MAX_EDIT_DISTANCE lines. */
export function diffLines(before: string | null, after: string | null): DiffLine[] | null {
  const a = split(before);
  const b = split(after);
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return null;
  trace.push(v.slice());
  // Walk back through the saved frontiers.
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const frontier = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && frontier[offset + k - 1]! < frontier[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : frontier[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out.push({ type: 'same', text: a[--x]!, oldNo: x + 1, newNo: --y + 1 });
    if (d === 0) break;
    if (x === prevX) out.push({ type: 'add', text: b[--y]!, newNo: y + 1 });
    else out.push({ type: 'del', text: a[--x]!, oldNo: x + 1 });
  }
  while (x > 0 && y > 0) out.push({ type: 'same', text: a[--x]!, oldNo: x + 1, newNo: --y + 1 });
  return out.reverse();
}

/** Changed lines with `context` unchanged lines around them. */
export function hunks(lines: DiffLine[], context = 3): Hunk[] {
  const result: Hunk[] = [];
  let current: Hunk | null = null;
  let lastChange = -Infinity;
  lines.forEach((line, i) => {
    if (line.type === 'same') return;
    const from = Math.max(0, i - context, lastChange + context + 1);
    if (!current || i - lastChange > context * 2) {
      const first = lines[Math.max(0, i - context)]!;
      current = { oldStart: first.oldNo ?? first.newNo ?? 1, newStart: first.newNo ?? first.oldNo ?? 1, lines: [] };
      result.push(current);
      for (let j = Math.max(0, i - context); j < i; j++) current.lines.push(lines[j]!);
    } else {
      for (let j = from; j < i; j++) current.lines.push(lines[j]!);
    }
    current.lines.push(line);
    lastChange = i;
    // Trailing context is added when the next change starts or at the end.
    const next = lines.slice(i + 1).findIndex((l) => l.type !== 'same');
    if (next === -1 || next >= context * 2) for (let j = i + 1; j <= Math.min(lines.length - 1, i + context); j++) current.lines.push(lines[j]!);
  });
  return result;
}

export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.type === 'add') added++;
    else if (l.type === 'del') removed++;
  }
  return { added, removed };
}
