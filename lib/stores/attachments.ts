import { atom, type ReadableAtom } from 'nanostores';

// Images waiting to be sent with the next chat message, whichever way they came: the attach
// button, a paste into the message box, or a drop anywhere on the workbench. The checks here are
// for a quick answer to the user; the server checks each image again by decoding it.

export const ATTACHABLE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

/** The type by the file's first bytes (PNG, JPEG or WebP signature), whatever its name or claimed type. */
export function sniffType(head: Uint8Array): (typeof ATTACHABLE_TYPES)[number] | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 8 && head[0] === 0x89 && ascii(1, 4) === 'PNG' && head[4] === 0x0d && head[5] === 0x0a && head[6] === 0x1a && head[7] === 0x0a) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its bytes as arguments, and arguments are capped.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export class AttachmentsStore {
  readonly #images = atom<string[]>([]);
  readonly #error = atom<string | null>(null);
  readonly images: ReadableAtom<string[]> = this.#images;
  readonly error: ReadableAtom<string | null> = this.#error;

  /** Adds the files that are PNG, JPEG or WebP by content and at most 10 MB; says why any other was left out. */
  async add(files: Blob[]): Promise<void> {
    // The agent's protocol (zod and every tool's schema) loads with the first image, not with the workbench it sits in.
    const { AGENT_LIMITS, CHAT_IMAGE_MAX_BYTES, imageDataUrlSchema } = await import('@/lib/agent/protocol');
    this.#error.set(null);
    const urls: string[] = [];
    for (const file of files) {
      if (file.size > CHAT_IMAGE_MAX_BYTES) {
        this.#error.set(`An image is larger than ${CHAT_IMAGE_MAX_BYTES / 1024 / 1024} MB.`);
        continue;
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      const type = sniffType(bytes);
      const url = type && `data:${type};base64,${toBase64(bytes)}`;
      if (!url || !imageDataUrlSchema.safeParse(url).success) {
        this.#error.set('Only PNG, JPEG and WebP images can be attached.');
        continue;
      }
      urls.push(url);
    }
    const next = [...this.#images.get(), ...urls];
    if (next.length > AGENT_LIMITS.maxImages) this.#error.set(`At most ${AGENT_LIMITS.maxImages} images per message.`);
    this.#images.set(next.slice(0, AGENT_LIMITS.maxImages));
  }

  remove(index: number): void {
    this.#images.set(this.#images.get().filter((_, i) => i !== index));
  }

  /** The images for the message being sent; the list is emptied. */
  take(): string[] {
    const images = this.#images.get();
    this.#images.set([]);
    this.#error.set(null);
    return images;
  }
}
