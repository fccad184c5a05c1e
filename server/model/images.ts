import 'server-only';
import sharp from 'sharp';
import type { Tx } from '@/db/queries/blobs';
import { getBlobs, putBlob } from '@/db/queries/blobs';
import type { StoredContent } from '@/lib/agent/protocol';
import { CHAT_IMAGE_MAX_BYTES } from '@/lib/agent/protocol';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

// Images of chat messages. The browser sends data URLs; each is checked by its content (magic
// bytes, then a full decode by sharp, whatever the data URL claims), turned upright, stripped of
// metadata (EXIF may carry a location), scaled down so its longest side is at most
// CHAT_IMAGE_MAX_SIDE and stored once as a content-addressed blob. The message keeps a reference,
// `image:<sha256>.<type>`; the model and the chat's thumbnails get the stored image back as a data URL.

export type ImageType = 'png' | 'jpeg' | 'webp';

/** Decoded pixels allowed per image: a 10 MB PNG can claim billions (a decompression bomb). */
export const MAX_IMAGE_PIXELS = 40_000_000;
const REF = /^image:([0-9a-f]{64})\.(png|jpeg|webp)$/;
const DATA_URL = /^data:image\/[a-z]+;base64,([A-Za-z0-9+/=]+)$/;

/** The image type by its first bytes, or null: PNG's signature, JPEG's SOI marker, WebP's RIFF/WEBP header. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 16));
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}

const refuse = (message: string) => new AppError('bad_request:chat', message);

/** Checked, upright, without metadata, longest side ≤ maxSide; in its own type. */
export async function normaliseImage(bytes: Buffer, maxSide: number): Promise<{ bytes: Buffer; type: ImageType; width: number; height: number }> {
  if (bytes.byteLength > CHAT_IMAGE_MAX_BYTES) throw refuse(`An image is larger than ${CHAT_IMAGE_MAX_BYTES / 1024 / 1024} MB.`);
  const type = sniffImageType(bytes);
  if (!type) throw refuse('Images must be PNG, JPEG or WebP files.');
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', autoOrient: true })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .toFormat(type)
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, type, width: info.width, height: info.height };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw refuse(/pixel limit/i.test(detail) ? `An image has more than ${MAX_IMAGE_PIXELS} pixels.` : 'An image could not be decoded.');
  }
}

/** Stores the images of a new message; returns their references, in order. */
export async function storeChatImages(db: Tx, dataUrls: string[], maxSide = env.CHAT_IMAGE_MAX_SIDE): Promise<string[]> {
  const refs: string[] = [];
  for (const url of dataUrls) {
    const base64 = DATA_URL.exec(url)?.[1];
    if (!base64) throw refuse('Images must be PNG, JPEG or WebP data URLs.');
    const image = await normaliseImage(Buffer.from(base64, 'base64'), maxSide);
    refs.push(`image:${await putBlob(db, image.bytes)}.${image.type}`);
  }
  return refs;
}

/** The messages with image references replaced by data URLs of the stored images. */
export async function resolveImages<T extends StoredContent>(db: Tx, contents: T[]): Promise<T[]> {
  const hashes = contents.flatMap((c) => (c.kind === 'assistant' ? [] : (c.images ?? []))).flatMap((ref) => REF.exec(ref)?.[1] ?? []);
  if (hashes.length === 0) return contents;
  const blobs = await getBlobs(db, [...new Set(hashes)]);
  const toUrl = (ref: string) => {
    const match = REF.exec(ref);
    if (!match) return ref; // a data URL stored before images became blobs
    const bytes = blobs.get(match[1]!);
    if (!bytes) throw new AppError('not_found:chat', 'An image of this chat is missing.');
    return `data:image/${match[2]};base64,${Buffer.from(bytes).toString('base64')}`;
  };
  return contents.map((c) => (c.kind !== 'assistant' && c.images?.length ? { ...c, images: c.images.map(toUrl) } : c));
}
