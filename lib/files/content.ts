import { z } from 'zod';
import { FILE_LIMITS } from '@/lib/files/limits';

/** File contents on the wire: UTF-8 text as is, anything else as base64. */
export const fileContentSchema = z.object({
  content: z.string().max(Math.ceil((FILE_LIMITS.maxFileBytes * 4) / 3) + 4, 'The file is too large.'),
  encoding: z.enum(['utf8', 'base64']).default('utf8'),
});
export type FileContent = z.infer<typeof fileContentSchema>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeContent(bytes: Uint8Array): { content: string; encoding: 'utf8' | 'base64' } {
  if (!bytes.includes(0)) {
    try {
      return { content: strictUtf8.decode(bytes), encoding: 'utf8' };
    } catch {
      // Not valid UTF-8: fall through to base64.
    }
  }
  return { content: Buffer.from(bytes).toString('base64'), encoding: 'base64' };
}

export function decodeContent(input: FileContent): Uint8Array {
  return input.encoding === 'base64' ? new Uint8Array(Buffer.from(input.content, 'base64')) : new TextEncoder().encode(input.content);
}
