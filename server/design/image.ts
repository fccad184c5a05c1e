import 'server-only';
import sharp from 'sharp';

// RGBA images for the fidelity score: decoded from PNG with a size check before any pixel is
// inflated, flattened onto white, and brought to one size by a fixed rule. PNG decoding and
// encoding go through sharp (libvips): a 1280×800 page decodes in ~10 ms, where pngjs took ~40
// and encoding ~95.

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4 bytes, RGBA. */
  data: Uint8ClampedArray;
}

/** Largest side accepted: a full-page capture of a long page, not a poster. */
export const MAX_SIDE = 4096;
export const MAX_PNG_BYTES = 32 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class ImageError extends Error {
  override name = 'ImageError';
}

/** Width and height from the IHDR chunk, without decoding. */
export function pngSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new ImageError('not a PNG file');
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export async function decodePng(bytes: Buffer): Promise<Rgba> {
  if (bytes.length > MAX_PNG_BYTES) throw new ImageError(`PNG larger than ${MAX_PNG_BYTES} bytes`);
  const { width, height } = pngSize(bytes);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw new ImageError(`PNG is ${width}×${height}; each side must be 1–${MAX_SIDE} pixels`);
  }
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_SIDE * MAX_SIDE })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== 4) throw new Error('unexpected size or channels');
    return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    throw new ImageError(`PNG could not be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function encodePng(image: Rgba): Promise<Buffer> {
  const data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  return sharp(data, { raw: { width: image.width, height: image.height, channels: 4 } }).png({ compressionLevel: 6 }).toBuffer();
}

/**
 * The image at `width`×`height`, opaque: pixels are composited onto white; the image is anchored
 * top-left, cut where it is larger and padded with white where it is smaller. A page that is
 * shorter than the design is compared as if nothing were drawn below it, which is what a browser
 * with a white canvas shows; a capture never gets stretched, since scaling would blur every edge.
 */
export function fitTo(image: Rgba, width: number, height: number): Rgba {
  const out = new Uint8ClampedArray(width * height * 4).fill(255);
  const w = Math.min(width, image.width);
  const h = Math.min(height, image.height);
  for (let y = 0; y < h; y++) {
    let src = y * image.width * 4;
    let dst = y * width * 4;
    for (let x = 0; x < w; x++, src += 4, dst += 4) {
      const a = image.data[src + 3]! / 255;
      out[dst] = image.data[src]! * a + 255 * (1 - a);
      out[dst + 1] = image.data[src + 1]! * a + 255 * (1 - a);
      out[dst + 2] = image.data[src + 2]! * a + 255 * (1 - a);
    }
  }
  return { width, height, data: out };
}

/**
 * fitTo, then shrink by `f`, in one pass without the full-size copy: what the score compares.
 * Each output pixel is the mean of an f×f block of the image composited onto white (white where
 * the block falls outside the image).
 */
export function fitAndShrink(image: Rgba, width: number, height: number, f: number): Rgba {
  if (f <= 1) return fitTo(image, width, height);
  const outWidth = Math.floor(width / f);
  const outHeight = Math.floor(height / f);
  const out = new Uint8ClampedArray(outWidth * outHeight * 4);
  const src = image.data;
  const n = f * f;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < f; dy++) {
        const sy = y * f + dy;
        for (let dx = 0; dx < f; dx++) {
          const sx = x * f + dx;
          if (sy >= image.height || sx >= image.width) {
            r += 255;
            g += 255;
            b += 255;
            continue;
          }
          const i = (sy * image.width + sx) * 4;
          const a = src[i + 3]! / 255;
          const white = 255 * (1 - a);
          r += src[i]! * a + white;
          g += src[i + 1]! * a + white;
          b += src[i + 2]! * a + white;
        }
      }
      const o = (y * outWidth + x) * 4;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
      out[o + 3] = 255;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/**
 * The image scaled down by an integer factor, each output pixel the mean of an f×f block.
 * Hand-written: ssim.js's own 'original' downsampling (the same averaging, as in the SSIM
 * authors' reference) filters at full resolution first and takes ~150 ms at 1280×800; this ~4 ms.
 */
export function shrink(image: Rgba, f: number): Rgba {
  if (f <= 1) return image;
  const width = Math.floor(image.width / f);
  const height = Math.floor(image.height / f);
  const out = new Uint8ClampedArray(width * height * 4);
  const n = f * f;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < f; dy++) {
        let i = ((y * f + dy) * image.width + x * f) * 4;
        for (let dx = 0; dx < f; dx++, i += 4) {
          r += image.data[i]!;
          g += image.data[i + 1]!;
          b += image.data[i + 2]!;
        }
      }
      const o = (y * width + x) * 4;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}
