import 'server-only';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { decodePng, MAX_PNG_BYTES, pngSize } from '@/server/design/image';
import { openCapturer } from '@/server/design/render';
import { scoreImages } from '@/server/design/score';

// npm run -s fidelity -- <design.png> <capture.png>
// npm run -s fidelity -- --html <page.html> <design.png>
// Prints one JSON object: { score, parts, details, weights } (server/design/score.ts), or
// { error } on stderr with exit code 1 (2 for a usage mistake).

const USAGE = 'usage: npm run -s fidelity -- <design.png> <capture.png> | --html <page.html> <design.png>';
const MAX_HTML_BYTES = 8 * 1024 * 1024;

const argsSchema = z.union([
  z.tuple([z.literal('--html'), z.string().min(1), z.string().min(1)]).transform(([, html, design]) => ({ html, design })),
  z.tuple([z.string().min(1).regex(/^[^-]/), z.string().min(1)]).transform(([design, capture]) => ({ design, capture })),
]);

/** A file's bytes, refusing anything larger than `max` before reading it. */
async function readCapped(file: string, max: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > max) throw new Error(`${file} is larger than ${max} bytes`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export async function runCli(argv: string[]): Promise<{ code: number; out?: string; err?: string }> {
  const args = argsSchema.safeParse(argv);
  if (!args.success) return { code: 2, err: JSON.stringify({ error: USAGE }) };
  try {
    const designBytes = await readCapped(args.data.design, MAX_PNG_BYTES);
    let captureBytes: Buffer;
    if ('html' in args.data) {
      const html = (await readCapped(args.data.html, MAX_HTML_BYTES)).toString('utf8');
      const viewport = pngSize(designBytes);
      const capturer = await openCapturer();
      try {
        captureBytes = (await capturer.capture(html, viewport)).png;
      } finally {
        await capturer.close();
      }
    } else {
      captureBytes = await readCapped(args.data.capture, MAX_PNG_BYTES);
    }
    const { score, parts, details, weights } = scoreImages(await decodePng(designBytes), await decodePng(captureBytes));
    return { code: 0, out: JSON.stringify({ score, parts, details, weights }) };
  } catch (error) {
    return { code: 1, err: JSON.stringify({ error: error instanceof Error ? error.message : String(error) }) };
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { code, out, err } = await runCli(process.argv.slice(2));
  if (out) process.stdout.write(`${out}\n`);
  if (err) process.stderr.write(`${err}\n`);
  process.exitCode = code;
}
