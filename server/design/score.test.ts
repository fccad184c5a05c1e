import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, fitAndShrink, fitTo, ImageError, MAX_SIDE, pngSize, shrink, type Rgba } from '@/server/design/image';
import { bestOffset, findShift, translate } from '@/server/design/align';
import { colourDistance, dominantPalette, paletteDistance } from '@/server/design/palette';
import { scoreImages } from '@/server/design/score';

type Rect = { x: number; y: number; w: number; h: number; rgb: [number, number, number] };

/** A white page with filled rectangles. */
function page(width: number, height: number, rects: Rect[]): Rgba {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (const r of rects) {
    for (let y = r.y; y < r.y + r.h; y++) {
      for (let x = r.x; x < r.x + r.w; x++) data.set([...r.rgb, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

// A toy "design": a header bar, a blue button and lines of "text".
const header: Rect = { x: 0, y: 0, w: 320, h: 24, rgb: [15, 23, 42] };
const button: Rect = { x: 40, y: 60, w: 80, h: 24, rgb: [37, 99, 235] };
const lines: Rect[] = [100, 110, 120, 130].map((y) => ({ x: 40, y, w: 200, h: 4, rgb: [71, 85, 105] }));
const design = page(320, 200, [header, button, ...lines]);

describe('scoreImages', () => {
  it('scores an identical capture 100 with every part at 1', () => {
    const result = scoreImages(design, page(320, 200, [header, button, ...lines]));
    expect(result.score).toBe(100);
    expect(result.parts).toEqual({ structure: 1, pixels: 1, colour: 1, layout: 1 });
    expect(result.details.shift).toEqual({ dx: 0, dy: 0 });
    expect(result.details.mismatchedPixels).toBe(0);
  });

  it('scores a capture with other colours lower, mostly in the colour part', () => {
    const red: Rect = { ...button, rgb: [220, 38, 38] };
    const result = scoreImages(design, page(320, 200, [header, red, ...lines]));
    expect(result.score).toBeLessThan(100);
    expect(result.parts.colour).toBeLessThan(1);
    expect(result.details.deltaE).toBeGreaterThan(0);
  });

  it('scores a capture without the text lines lower than the design, and lower still with nothing on it', () => {
    const noText = scoreImages(design, page(320, 200, [header, button]));
    const blank = scoreImages(design, page(320, 200, []));
    expect(noText.score).toBeLessThan(95);
    expect(blank.score).toBeLessThan(noText.score);
  });

  it('marks the mismatched pixels in the diff image when asked', () => {
    const result = scoreImages(design, page(320, 200, [header, button]), { diff: true });
    expect(result.diff).toMatchObject({ width: 320, height: 200 });
    const marked = (x: number, y: number) => result.diff!.data[(y * 320 + x) * 4 + 3]! > 0;
    expect(marked(100, 101)).toBe(true); // where a text line was
    expect(marked(300, 190)).toBe(false); // empty in both
  });

  it('compares at the design size: a smaller capture is padded with white, a larger one is cut', () => {
    const small = scoreImages(design, page(320, 150, [header, button, ...lines]));
    expect(small.details).toMatchObject({ width: 320, height: 200 });
    expect(small.score).toBe(100); // nothing was drawn below y = 150 in the design either
    const large = scoreImages(design, page(400, 300, [header, button, ...lines, { x: 330, y: 210, w: 50, h: 50, rgb: [0, 0, 0] }]));
    expect(large.details).toMatchObject({ width: 320, height: 200 });
    expect(large.score).toBe(100);
  });

  it('finds a moved page, charges the move in the layout part only, and keeps missing content lower still', () => {
    const moved = (dx: number, dy: number) => page(320, 200, [header, button, ...lines].map((r) => ({ ...r, x: r.x + dx, y: r.y + dy })));
    const result = scoreImages(design, moved(6, 4));
    expect(result.details.shift).toEqual({ dx: 6, dy: 4 });
    // Aligned, every shape is where the design has it: only the strip the move uncovered differs.
    expect(result.parts.structure).toBeGreaterThan(0.95);
    expect(result.parts.pixels).toBeGreaterThan(0.9);
    // 1 − √(6² + 4²) ÷ (200 × 0.05)
    expect(result.parts.layout).toBeCloseTo(1 - Math.hypot(6, 4) / 10, 3);
    expect(result.score).toBeLessThan(95);
    expect(scoreImages(design, page(320, 200, [header, button])).score).toBeLessThan(result.score);
  });

  it('charges changed colours in the colour part, not again in pixels, and less than a move', () => {
    // Other hues at about the same luma (Rec. 601): a dark red header, a red button.
    const recoloured = page(320, 200, [{ ...header, rgb: [60, 12, 10] }, { ...button, rgb: [200, 60, 30] }, ...lines]);
    const result = scoreImages(design, recoloured);
    expect(result.parts.colour).toBeLessThan(0.5);
    expect(result.parts.pixels).toBeGreaterThan(0.9);
    expect(result.score).toBeLessThan(95);
    const moved = page(320, 200, [header, button, ...lines].map((r) => ({ ...r, x: r.x + 8, y: r.y + 6 })));
    expect(result.score).toBeGreaterThan(scoreImages(design, moved).score);
  });
});

describe('alignment', () => {
  it('finds the offset of a shifted profile, and 0 for the same one', () => {
    const a = Float64Array.from({ length: 100 }, (_, i) => (i >= 30 && i < 40 ? 1 : i >= 60 && i < 62 ? 0.5 : 0));
    const b = Float64Array.from({ length: 100 }, (_, i) => a[i - 7] ?? 0);
    expect(bestOffset(a, b, 10)).toBe(7);
    expect(bestOffset(b, a, 10)).toBe(-7);
    expect(bestOffset(a, a, 10)).toBe(0);
    expect(bestOffset(a, b, 5)).not.toBe(7); // beyond the range: not searched
  });

  it('moves an image back by the found shift, filling what was uncovered', () => {
    const moved = page(320, 200, [{ ...button, x: button.x + 10, y: button.y + 5 }]);
    const shift = findShift(page(320, 200, [button]), moved, [255, 255]);
    expect(shift).toEqual({ dx: 10, dy: 5 });
    const back = translate(moved, shift.dx, shift.dy, [255, 255, 255]);
    expect(Buffer.from(back.data).equals(Buffer.from(page(320, 200, [button]).data))).toBe(true);
  });
});

describe('fitTo', () => {
  it('composites transparent pixels onto white', () => {
    const image: Rgba = { width: 1, height: 1, data: new Uint8ClampedArray([0, 0, 0, 0]) };
    expect([...fitTo(image, 1, 1).data]).toEqual([255, 255, 255, 255]);
    const half: Rgba = { width: 1, height: 1, data: new Uint8ClampedArray([0, 0, 0, 128]) };
    expect(fitTo(half, 1, 1).data[0]).toBe(127);
  });

  it('fitAndShrink gives what fitTo then shrink give (±1 of rounding), for larger, smaller and translucent images', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (const [w, h] of [[37, 23], [20, 30], [16, 16]] as const) {
      const image: Rgba = { width: w, height: h, data: Uint8ClampedArray.from({ length: w * h * 4 }, random) };
      const expected = shrink(fitTo(image, 24, 18), 2);
      const actual = fitAndShrink(image, 24, 18, 2);
      expect([actual.width, actual.height]).toEqual([12, 9]);
      expect(actual.data.every((v, i) => Math.abs(v - expected.data[i]!) <= 1)).toBe(true);
    }
  });
});

describe('dominantPalette and paletteDistance', () => {
  it('finds the main colours with weights that sum to 1', () => {
    const palette = dominantPalette(design);
    expect(palette[0]).toMatchObject({ r: 255, g: 255, b: 255 });
    expect(palette.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 6);
    expect(palette.some((c) => c.r === 37 && c.g === 99 && c.b === 235)).toBe(true);
  });

  it('is 0 for the same palette and grows with the colour difference', () => {
    const p = dominantPalette(design);
    expect(paletteDistance(p, p)).toBe(0);
    const slightly = dominantPalette(page(320, 200, [header, { ...button, rgb: [40, 100, 230] }, ...lines]));
    const very = dominantPalette(page(320, 200, [header, { ...button, rgb: [234, 179, 8] }, ...lines]));
    expect(paletteDistance(p, slightly)).toBeLessThan(paletteDistance(p, very));
  });

  it('compares the drawn colours apart from the background, so a small recoloured area still counts', () => {
    const p = dominantPalette(design);
    const orange = dominantPalette(page(320, 200, [header, { ...button, rgb: [234, 88, 12] }, ...lines]));
    const whole = paletteDistance(p, orange);
    const { background, drawn } = colourDistance(p, orange);
    expect(background).toBe(0);
    expect(drawn).toBeGreaterThan(2 * whole);
    const dark = colourDistance(p, dominantPalette(page(320, 200, [{ x: 0, y: 0, w: 320, h: 200, rgb: [15, 23, 42] }])));
    expect(dark.background).toBeGreaterThan(20);
  });
});

describe('decodePng', () => {
  it('round-trips through encodePng', async () => {
    const back = await decodePng(await encodePng(design));
    expect(back.width).toBe(320);
    expect(Buffer.from(back.data).equals(Buffer.from(design.data))).toBe(true);
  });

  it('refuses bytes that are not a PNG, and a PNG that does not decode', async () => {
    await expect(decodePng(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).rejects.toThrow(ImageError);
    const cut = PNG.sync.write(Object.assign(new PNG({ width: 8, height: 8 }), { data: Buffer.alloc(256, 200) })).subarray(0, 40);
    await expect(decodePng(cut)).rejects.toThrow(/could not be decoded/);
  });

  it('refuses a PNG whose header claims a huge size, before inflating any pixel', async () => {
    const png = PNG.sync.write(Object.assign(new PNG({ width: 1, height: 1 }), { data: Buffer.from([0, 0, 0, 255]) }));
    // A decompression bomb's header: a huge width, with a valid checksum so only the size check stops it.
    png.writeUInt32BE(MAX_SIDE * 10, 16);
    png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
    expect(pngSize(png).width).toBe(MAX_SIDE * 10);
    await expect(decodePng(png)).rejects.toThrow(/each side must be/);
  });
});
