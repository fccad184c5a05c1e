import 'server-only';
import type { Rgba } from '@/server/design/image';

// Global alignment of a capture to its design: the translation that best lines up what is drawn.
//
// A page whose content sits 30 px lower than the design still has every element, shape and colour
// right; compared pixel by pixel it looks as broken as a page with nothing on it, because every
// edge misses its twin. So the score first finds the shift that lines the two up, compares the
// aligned images for structure and pixels, and charges the shift itself in its own part.
//
// The shift is found from ink profiles: for each row and each column, how much of it differs from
// the image's background. Sliding one profile over the other and taking the offset with the
// smallest mean difference finds a translation in O(width × height + side × range), a few ms,
// where a 2-D search over every offset would take seconds. Shifts beyond a tenth of the shorter
// side are not searched: past that the page reads as a different layout, not the same one moved.

export const MAX_SHIFT_FRACTION = 0.1;

/** Rec. 601 luma, the weighting pixelmatch and ssim.js use too. */
export const luma = (d: Uint8ClampedArray, i: number) => 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;

/** Per-row and per-column share of pixels whose luma differs from the background's by more than 8. */
export function inkProfiles(image: Rgba, backgroundLuma: number): { rows: Float64Array; columns: Float64Array } {
  const { width, height, data } = image;
  const rows = new Float64Array(height);
  const columns = new Float64Array(width);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      if (Math.abs(luma(data, i) - backgroundLuma) > 8) {
        rows[y]!++;
        columns[x]!++;
      }
    }
  }
  for (let y = 0; y < height; y++) rows[y]! /= width;
  for (let x = 0; x < width; x++) columns[x]! /= height;
  return { rows, columns };
}

/**
 * The offset d in [−range, range] for which b[i + d] best matches a[i]: smallest mean absolute
 * difference over the overlap. Ties go to the smaller |d|, so identical profiles give 0.
 */
export function bestOffset(a: Float64Array, b: Float64Array, range: number): number {
  let best = 0;
  let bestCost = Infinity;
  for (let d = 0; d <= range; d = d > 0 ? -d : -d + 1) {
    const from = Math.max(0, -d);
    const to = Math.min(a.length, b.length - d);
    if (to - from < a.length / 2) continue;
    let cost = 0;
    for (let i = from; i < to; i++) cost += Math.abs(a[i]! - b[i + d]!);
    cost /= to - from;
    if (cost < bestCost - 1e-9) {
      bestCost = cost;
      best = d;
    }
    if (d === -range) break;
  }
  return best;
}

/** How far `capture` is moved against `design`: a capture's element at (x + dx, y + dy) is the design's at (x, y). */
export function findShift(design: Rgba, capture: Rgba, backgroundLumas: [number, number]): { dx: number; dy: number } {
  const range = Math.floor(Math.min(design.width, design.height) * MAX_SHIFT_FRACTION);
  const a = inkProfiles(design, backgroundLumas[0]);
  const b = inkProfiles(capture, backgroundLumas[1]);
  return { dx: bestOffset(a.columns, b.columns, range), dy: bestOffset(a.rows, b.rows, range) };
}

/** The image moved by (−dx, −dy), same size; uncovered pixels take the colour `fill` (RGB). */
export function translate(image: Rgba, dx: number, dy: number, fill: [number, number, number]): Rgba {
  if (dx === 0 && dy === 0) return image;
  const { width, height } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  const pixel = new Uint8ClampedArray([fill[0], fill[1], fill[2], 255]);
  new Uint32Array(out.buffer).fill(new Uint32Array(pixel.buffer)[0]!);
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(width, width - dx);
  for (let y = Math.max(0, -dy); y < Math.min(height, height - dy); y++) {
    const src = ((y + dy) * width + x0 + dx) * 4;
    out.set(image.data.subarray(src, src + (x1 - x0) * 4), (y * width + x0) * 4);
  }
  return { width, height, data: out };
}
