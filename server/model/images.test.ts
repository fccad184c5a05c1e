import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBlobs } from '@/db/queries/blobs';
import { createTestDb, type TestDb } from '@/db/testing';
import type { StoredContent } from '@/lib/agent/protocol';
import { CHAT_IMAGE_MAX_BYTES } from '@/lib/agent/protocol';
import { MAX_IMAGE_PIXELS, normaliseImage, resolveImages, sniffImageType, storeChatImages } from '@/server/model/images';

/** A width×height PNG, a colour gradient so it does not compress to nothing. */
function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) image.data.set([i % 251, (i >> 3) % 256, 128, 255], i * 4);
  return PNG.sync.write(image);
}
const dataUrl = (bytes: Buffer, type = 'png') => `data:image/${type};base64,${bytes.toString('base64')}`;

/** The AppError a promise rejects with, as plain data (toMatchObject does not look into Error objects' messages). */
async function refusal(promise: Promise<unknown>): Promise<{ code: unknown; message: unknown }> {
  const error = (await promise.then(() => null, (e: unknown) => e)) as { code?: unknown; message?: unknown } | null;
  return { code: error?.code, message: error?.message };
}
const refused = (pattern: RegExp) => ({ code: 'bad_request:chat', message: expect.stringMatching(pattern) });

let handle: TestDb;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle.close();
});

describe('sniffImageType', () => {
  it('knows PNG, JPEG and WebP by their bytes, and nothing else', async () => {
    const source = sharp(png(8, 8));
    expect(sniffImageType(png(2, 2))).toBe('png');
    expect(sniffImageType(await source.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageType(await source.clone().webp().toBuffer())).toBe('webp');
    expect(sniffImageType(await source.clone().gif().toBuffer())).toBeNull();
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageType(Buffer.alloc(0))).toBeNull();
  });
});

describe('normaliseImage', () => {
  it('scales a large image down to the longest side, keeping its aspect and type', async () => {
    const out = await normaliseImage(png(2000, 1000), 500);
    expect(out).toMatchObject({ type: 'png', width: 500, height: 250 });
    expect((await sharp(out.bytes).metadata()).width).toBe(500);
    const small = await normaliseImage(png(300, 200), 500);
    expect(small).toMatchObject({ width: 300, height: 200 }); // never enlarged
  });

  it('decides the type by content, not by what the data URL says', async () => {
    const jpeg = await sharp(png(40, 30)).jpeg().toBuffer();
    const [ref] = await storeChatImages(handle.db, [dataUrl(jpeg, 'png')], 500);
    expect(ref).toMatch(/^image:[0-9a-f]{64}\.jpeg$/);
  });

  it('refuses bytes that only pretend to be an image, and a truncated one', async () => {
    expect(await refusal(normaliseImage(Buffer.from('fake png bytes'), 500))).toEqual(refused(/PNG, JPEG or WebP/));
    const html = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<script>alert(1)</script>')]);
    expect(await refusal(normaliseImage(html, 500))).toEqual(refused(/could not be decoded/));
    const whole = png(64, 64);
    expect(await refusal(normaliseImage(whole.subarray(0, whole.length - 40), 500))).toEqual(refused(/could not be decoded/));
    // A real image of another type (sharp would decode it) is refused by its bytes.
    const gif = await sharp(png(8, 8)).gif().toBuffer();
    expect(await refusal(normaliseImage(gif, 500))).toEqual(refused(/PNG, JPEG or WebP/));
  });

  it('refuses a file over 10 MB before decoding it', async () => {
    const big = Buffer.concat([png(4, 4), Buffer.alloc(CHAT_IMAGE_MAX_BYTES)]);
    expect(await refusal(normaliseImage(big, 500))).toEqual(refused(/larger than 10 MB/));
  });

  it('refuses a PNG whose header claims more pixels than allowed (a decompression bomb)', async () => {
    const bomb = png(1, 1);
    bomb.writeUInt32BE(10_000, 16);
    bomb.writeUInt32BE(10_000, 20);
    bomb.writeUInt32BE(zlib.crc32(bomb.subarray(12, 29)), 29);
    expect(10_000 * 10_000).toBeGreaterThan(MAX_IMAGE_PIXELS); // and below sharp's own default limit (16383²)
    expect(await refusal(normaliseImage(bomb, 500))).toEqual(refused(/more than 40000000 pixels/));
  });

  it('drops metadata such as EXIF (a photo may carry where it was taken)', async () => {
    const withExif = await sharp(png(32, 32)).jpeg().withExif({ IFD0: { Artist: 'someone at home' } }).toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const out = await normaliseImage(withExif, 500);
    expect((await sharp(out.bytes).metadata()).exif).toBeUndefined();
  });
});

describe('storeChatImages and resolveImages', () => {
  it('stores each image once by content and gives the model and the chat the stored image back', async () => {
    const { db } = handle;
    const url = dataUrl(png(900, 300));
    const refs = await storeChatImages(db, [url, url], 300);
    expect(refs[0]).toBe(refs[1]);
    const hash = refs[0]!.slice('image:'.length, -'.png'.length);
    const stored = (await getBlobs(db, [hash])).get(hash)!;
    expect((await sharp(Buffer.from(stored)).metadata()).width).toBe(300);
    const messages: StoredContent[] = [
      { kind: 'user', text: 'old', images: ['data:image/png;base64,AAAA'] },
      { kind: 'user', text: 'new', images: refs },
    ];
    const [old, resolved] = await resolveImages(db, messages);
    expect(old).toEqual(messages[0]);
    expect(resolved).toMatchObject({ images: [`data:image/png;base64,${Buffer.from(stored).toString('base64')}`, expect.any(String)] });
  });
});
