import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { median, type Row } from '../harness';
import { descendantsCpuMs } from './process-cpu';
import { VIEWPORTS } from '@/lib/design/protocol';
import { ServerCapture } from '@/server/design/server-capture';

// bench:capture's rows for the host sandbox's path (server/design/server-capture.ts): each page served
// on a loopback origin and captured by the server's warm browser at 1280×800, median of `runs`. The
// whole capture (a fresh page: navigation to load, the wait for a quiet network, the screenshot) and
// the screenshot alone, wall and CPU (the browser's processes, from /proc, while the page is open).

export async function serverCaptureRows(pages: { name: string; html: string }[], runs: number): Promise<Row[]> {
  const byPath = new Map(pages.map((p, i) => [`/${i}`, p.html]));
  const server = http.createServer((req, res) => {
    const html = byPath.get(req.url ?? '');
    if (html === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const capturer = new ServerCapture({ cpuTime: () => descendantsCpuMs() });
  const rows: Row[] = [];
  try {
    for (const [i, { name }] of pages.entries()) {
      const url = `${origin}/${i}`;
      await capturer.capture(url, VIEWPORTS.desktop, 'bench'); // warm-up: the browser starts at the first capture
      const whole: number[] = [];
      const shot: number[] = [];
      const settle: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < runs; r++) {
        const started = performance.now();
        const { timings } = await capturer.capture(url, VIEWPORTS.desktop, 'bench');
        whole.push(performance.now() - started);
        shot.push(timings.screenshotMs);
        settle.push(timings.settleMs);
        cpu.push(timings.cpuMs ?? NaN);
        if (!timings.warm) throw new Error("the bench user's page was not kept warm");
      }
      rows.push({
        design: name,
        path: 'server (host sandbox)',
        'capture ms (median)': Math.round(median(whole)),
        'capture ms (min)': Math.round(Math.min(...whole)),
        'capture cpu ms (median)': Math.round(median(cpu)),
        // Of the whole: the wait after load until the page settled (no request in flight, fonts, two frames) and the screenshot itself.
        'settle ms (median)': Math.round(median(settle)),
        'screenshot ms (median)': Math.round(median(shot)),
      });
    }
    // After every warm row: a closed context's renderer leaves /proc's sums, which would skew a CPU read then.
    for (const [i, row] of rows.entries()) {
      const cold: number[] = [];
      for (let r = 0; r < runs; r++) {
        const started = performance.now();
        await capturer.capture(`${origin}/${i}`, VIEWPORTS.desktop); // no owner: a new context and page, closed after
        cold.push(performance.now() - started);
      }
      row['first capture ms (median)'] = Math.round(median(cold));
    }
  } finally {
    await capturer.close();
    server.close();
  }
  return rows;
}
