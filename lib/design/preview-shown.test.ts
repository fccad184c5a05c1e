import { atom } from 'nanostores';
import { describe, expect, it } from 'vitest';
import { previewShown } from '@/lib/design/preview-shown';

describe('previewShown', () => {
  it('resolves at once when a dev server shows, and otherwise when one starts', async () => {
    await expect(previewShown(atom<number | null>(5173), 50)).resolves.toBeUndefined();
    const port = atom<number | null>(null);
    let done = false;
    const waiting = previewShown(port, 5_000).then(() => (done = true));
    port.set(null);
    await Promise.resolve();
    expect(done).toBe(false);
    port.set(5173);
    await waiting;
    expect(done).toBe(true);
  });

  it('gives up after the timeout with a message the panel shows', async () => {
    await expect(previewShown(atom<number | null>(null), 20)).rejects.toThrow(/no dev server showed in the preview/);
  });
});
