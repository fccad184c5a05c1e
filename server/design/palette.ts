import 'server-only';
import { differenceCiede2000 } from 'culori';
import type { Rgba } from '@/server/design/image';

// The dominant palette of an image and the colour distance between two palettes.
//
// Quantisation: each channel is cut to its top 4 bits (16 levels, 4,096 boxes); a box's colour is
// the mean of the pixels in it, its weight their share of the image. The palette is the PALETTE_SIZE
// heaviest boxes, weights renormalised to sum to 1. 16 levels keep shades a designer tells apart
// (e.g. Tailwind's slate-100 vs slate-200) in different boxes while antialiasing falls into a few.
//
// The heaviest box is the background. It is compared on its own, and the rest (the colours of what
// is drawn) with weights renormalised among themselves: on a page that is 80 % white, a button and a
// headline that turned from blue to orange would otherwise move a whole-image mean by a fifth of
// their difference and count as nearly right.

/** The background and the eight heaviest colours after it. */
export const PALETTE_SIZE = 9;

export interface PaletteColour {
  /** The 4-bit box: r << 8 | g << 4 | b of the channels' top 4 bits. */
  box: number;
  r: number;
  g: number;
  b: number;
  weight: number;
}

export function dominantPalette(image: Rgba, size = PALETTE_SIZE): PaletteColour[] {
  const count = new Uint32Array(4096);
  const sums = new Float64Array(4096 * 3);
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) {
    const box = quantise(d, i);
    count[box]!++;
    sums[box * 3]! += d[i]!;
    sums[box * 3 + 1]! += d[i + 1]!;
    sums[box * 3 + 2]! += d[i + 2]!;
  }
  const boxes = [...count.keys()].filter((b) => count[b]! > 0).sort((a, b) => count[b]! - count[a]!).slice(0, size);
  const total = boxes.reduce((sum, b) => sum + count[b]!, 0);
  return boxes.map((b) => ({
    box: b,
    r: sums[b * 3]! / count[b]!,
    g: sums[b * 3 + 1]! / count[b]!,
    b: sums[b * 3 + 2]! / count[b]!,
    weight: count[b]! / total,
  }));
}

/** The 4-bit box of the pixel at byte offset i. */
export function quantise(d: Uint8ClampedArray, i: number): number {
  return ((d[i]! >> 4) << 8) | ((d[i + 1]! >> 4) << 4) | (d[i + 2]! >> 4);
}

const ciede2000 = differenceCiede2000();
const rgb = (c: PaletteColour) => ({ mode: 'rgb' as const, r: c.r / 255, g: c.g / 255, b: c.b / 255 });

/**
 * Mean CIEDE2000 distance between two palettes: every colour of one is matched to the nearest of
 * the other, weighted by its share, in both directions (so a colour missing on either side counts).
 */
export function paletteDistance(a: PaletteColour[], b: PaletteColour[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : 100;
  const oneWay = (from: PaletteColour[], to: PaletteColour[]) =>
    from.reduce((sum, c) => sum + c.weight * Math.min(...to.map((t) => ciede2000(rgb(c), rgb(t)))), 0);
  return (oneWay(a, b) + oneWay(b, a)) / 2;
}

export interface ColourDistance {
  /** CIEDE2000 between the two backgrounds (each palette's heaviest colour). */
  background: number;
  /** paletteDistance between the other colours, weights renormalised. */
  drawn: number;
}

/** Background and drawn colours compared apart (see the top of this file); palettes as dominantPalette gives them. */
export function colourDistance(a: PaletteColour[], b: PaletteColour[]): ColourDistance {
  const background = a[0] && b[0] ? ciede2000(rgb(a[0]), rgb(b[0])) : a.length === b.length ? 0 : 100;
  const rest = (p: PaletteColour[]) => {
    const total = p.slice(1).reduce((sum, c) => sum + c.weight, 0);
    return p.slice(1).map((c) => ({ ...c, weight: c.weight / total }));
  };
  return { background, drawn: paletteDistance(rest(a), rest(b)) };
}
