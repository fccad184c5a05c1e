import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { AGENT_LIMITS, CHAT_IMAGE_MAX_BYTES } from '@/lib/agent/protocol';
import { AttachmentsStore, sniffType } from '@/lib/stores/attachments';

const png = PNG.sync.write(Object.assign(new PNG({ width: 2, height: 2 }), { data: Buffer.alloc(16, 255) }));
const file = (bytes: Uint8Array, type = 'image/png') => new File([new Uint8Array(bytes)], 'x.png', { type });

describe('AttachmentsStore', () => {
  it('attaches a PNG as a data URL of its bytes and hands it over once', async () => {
    const store = new AttachmentsStore();
    await store.add([file(png)]);
    expect(store.images.get()).toEqual([`data:image/png;base64,${png.toString('base64')}`]);
    expect(store.take()).toHaveLength(1);
    expect(store.images.get()).toEqual([]);
  });

  it('goes by content: an SVG named .png is refused, a PNG labelled text/plain is taken as a PNG', async () => {
    const store = new AttachmentsStore();
    await store.add([file(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))]);
    expect(store.images.get()).toEqual([]);
    expect(store.error.get()).toMatch(/Only PNG, JPEG and WebP/);
    await store.add([file(png, 'text/plain')]);
    expect(store.images.get()[0]).toMatch(/^data:image\/png;base64,/);
    expect(store.error.get()).toBeNull();
  });

  it('refuses a file over 10 MB and keeps at most the per-message number of images', async () => {
    const store = new AttachmentsStore();
    await store.add([file(new Uint8Array(CHAT_IMAGE_MAX_BYTES + 1))]);
    expect(store.error.get()).toMatch(/larger than 10 MB/);
    await store.add(Array.from({ length: AGENT_LIMITS.maxImages + 1 }, () => file(png)));
    expect(store.images.get()).toHaveLength(AGENT_LIMITS.maxImages);
    expect(store.error.get()).toMatch(/At most/);
    store.remove(0);
    expect(store.images.get()).toHaveLength(AGENT_LIMITS.maxImages - 1);
  });

  it('sniffs JPEG and WebP signatures', () => {
    expect(sniffType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffType(new TextEncoder().encode('GIF89a'))).toBeNull();
  });
});
