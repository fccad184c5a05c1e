import fs from 'node:fs';
import os from 'node:os';

// CPU time (user + system, ms) of this process's descendants (a browser it launched, with its
// renderers), from /proc: what work costs on a machine where wall time mostly measures the queue.
// Linux only; resolution one clock tick (10 ms) per process.

const TICK_MS = 10;

export function descendantsCpuMs(root = process.pid): number {
  if (os.platform() !== 'linux') return NaN;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may hold spaces) in parentheses: state, ppid, …, utime (14), stime (15).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we read
    }
  }
  let total = 0;
  for (const [pid, { ticks }] of stats) {
    for (let p = stats.get(pid)?.ppid; p !== undefined && p > 1; p = stats.get(p)?.ppid) {
      if (p === root) {
        total += ticks;
        break;
      }
    }
  }
  return total * TICK_MS;
}
