import 'server-only';
import pixelmatch from 'pixelmatch';
import { ssim } from 'ssim.js';
import { fitTo, shrink, type Rgba } from '@/server/design/image';
import { dominantPalette, paletteDistance, quantise } from '@/server/design/palette';

// The visual-fidelity score of a capture against its design, at the design's size (a capture of
// another size is cut or padded with white, top-left anchored: see fitTo).
//
// Three parts, each 0–1, 1 meaning "the same":
// - structure: mean SSIM (ssim.js, its 'weber' algorithm, on the images scaled down by the SSIM
//   authors' rule, 1/3 at 1280×800): are the same edges and shapes in the same places.
// - pixels: 1 − mismatched ÷ drawn. pixelmatch counts pixels that differ beyond its default
//   threshold (0.1, OKLab HyAB), antialiased ones included: its antialiasing detector is meant for
//   two renderers, and it takes thin text strokes for antialiasing, so missing text would go
//   unnoticed; design and capture come from the same engine here. "drawn" counts pixels that are not the
//   background (the dominant colour) in either image. Dividing by what is drawn rather than by the
//   whole image keeps a page that is mostly empty background from looking 90 % right by default.
// - colour: 1 − ΔE/20, floored at 0, where ΔE is the mean CIEDE2000 distance between the dominant
//   palettes (see palette.ts). ΔE ≈ 2 is about the smallest difference noticed at a glance; at
//   20 two colours read as different colours, so that counts as entirely wrong.
//
// score = 100 × (0.4 structure + 0.4 pixels + 0.2 colour). Layout and content (structure, pixels)
// are what a design is mostly judged on, and each part misses things the other sees (SSIM forgives
// small colour shifts, pixelmatch forgives nothing but antialiasing), so they weigh equally; colour
// has half their weight because the palette ignores where a colour is, and the other two parts
// already drop when colours change.

export const WEIGHTS = { structure: 0.4, pixels: 0.4, colour: 0.2 } as const;
const COLOUR_DELTA_E_WRONG = 20;

export interface FidelityScore {
  /** 0–100, one decimal. */
  score: number;
  parts: { structure: number; pixels: number; colour: number };
  details: { width: number; height: number; mismatchedPixels: number; drawnPixels: number; deltaE: number };
  weights: typeof WEIGHTS;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function scoreImages(design: Rgba, capture: Rgba, options: { diff?: boolean } = {}): FidelityScore & { diff?: Rgba } {
  const { width, height } = design;
  const a = fitTo(design, width, height);
  const b = fitTo(capture, width, height);

  // ssim.js's 'original' rule: scale down by round(shorter side / 256), as the SSIM authors advise.
  const factor = Math.max(1, Math.round(Math.min(width, height) / 256));
  const structure = Math.max(0, ssim(shrink(a, factor), shrink(b, factor), { ssim: 'weber', downsample: false }).mssim);

  const diff = options.diff ? new Uint8ClampedArray(width * height * 4) : undefined;
  const mismatched = pixelmatch(a.data, b.data, diff, width, height, { threshold: 0.1, includeAA: true, diffMask: true });
  const paletteA = dominantPalette(a);
  const paletteB = dominantPalette(b);
  const drawn = countDrawn(a, b, paletteA[0]!.box, paletteB[0]!.box);
  const pixels = drawn === 0 ? (mismatched === 0 ? 1 : 0) : Math.max(0, 1 - mismatched / drawn);

  const deltaE = paletteDistance(paletteA, paletteB);
  const colour = Math.max(0, 1 - deltaE / COLOUR_DELTA_E_WRONG);

  const score = 100 * (WEIGHTS.structure * structure + WEIGHTS.pixels * pixels + WEIGHTS.colour * colour);
  return {
    score: round(score, 1),
    parts: { structure: round(structure, 4), pixels: round(pixels, 4), colour: round(colour, 4) },
    details: { width, height, mismatchedPixels: mismatched, drawnPixels: drawn, deltaE: round(deltaE, 2) },
    weights: WEIGHTS,
    ...(diff ? { diff: { width, height, data: diff } } : {}),
  };
}

/** Pixels that are not in their own image's background box (the palette's heaviest) in either image. */
function countDrawn(a: Rgba, b: Rgba, bgA: number, bgB: number): number {
  let drawn = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (quantise(a.data, i) !== bgA || quantise(b.data, i) !== bgB) drawn++;
  }
  return drawn;
}
