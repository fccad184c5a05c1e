import 'server-only';
import pixelmatch from 'pixelmatch';
import { findShift, luma, translate } from '@/server/design/align';
import { fitAndShrink, type Rgba } from '@/server/design/image';
import { colourDistance, dominantPalette, quantise, type PaletteColour } from '@/server/design/palette';
import { structureScore } from '@/server/design/structure';

// The visual-fidelity score of a capture against its design, at the design's size (a capture of
// another size is cut or padded with white, top-left anchored: see fitTo).
//
// Four parts, each 0–1, 1 meaning "the same", each measuring one thing so that one kind of damage
// is charged once:
// - layout: where the page sits. The capture is first aligned to the design by the translation
//   that best lines up what is drawn (align.ts); this part falls linearly from 1 (no shift) to 0 at
//   a shift of a twentieth of the shorter side (40 px at 1280×800), where a move is plain at a glance.
// - structure: shapes and edges, after alignment: SSIM over the windows where something is drawn
//   (structure.ts).
// - pixels: content, after alignment: 1 − mismatched ÷ drawn. pixelmatch compares luma (the images
//   turned grey, so a colour change is not charged here again) beyond its default threshold (0.1),
//   antialiased pixels included: its antialiasing detector is meant for two renderers and takes thin
//   text strokes for antialiasing, so missing text would go unnoticed. "drawn" counts pixels that
//   are not the background in either image, so a mostly empty page does not look 90 % right.
// - colour: 1 − ΔE/20, floored at 0, where ΔE is the larger CIEDE2000 distance of the backgrounds
//   and of the drawn colours' dominant palettes (palette.ts). ΔE ≈ 2 is about the smallest difference
//   noticed at a glance; at 20 two colours read as different colours.
//
// score = 100 × (0.5 structure + 0.25 pixels + 0.1 colour + 0.15 layout). What a design is judged on
// first is its content and shapes; SSIM sees them as a reader does (forgiving a pixel here and
// there), so it weighs most; pixels catch small things SSIM averages away. The order of damage
// follows from the weights: wrong colours cost at most 10, a page moved by a twentieth costs 15,
// and content that is missing costs in the two heaviest parts.

export const WEIGHTS = { structure: 0.5, pixels: 0.25, colour: 0.1, layout: 0.15 } as const;
const COLOUR_DELTA_E_WRONG = 20;
const LAYOUT_SHIFT_WRONG = 0.05;
const WORK_SIDE = 400;

export interface FidelityScore {
  /** 0–100, one decimal. */
  score: number;
  parts: { structure: number; pixels: number; colour: number; layout: number };
  details: {
    width: number;
    height: number;
    /** The working resolution's scale (½ for 1280×800); pixel counts and the diff image are at it. */
    scale: number;
    mismatchedPixels: number;
    drawnPixels: number;
    deltaE: number;
    /** The capture's content sits this far right (dx) and down (dy) of the design's. */
    shift: { dx: number; dy: number };
  };
  weights: typeof WEIGHTS;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const rgbOf = (c: PaletteColour): [number, number, number] => [c.r, c.g, c.b];
const lumaOf = (c: PaletteColour) => luma(new Uint8ClampedArray(rgbOf(c)), 0);

export function scoreImages(design: Rgba, capture: Rgba, options: { diff?: boolean } = {}): FidelityScore & { diff?: Rgba } {
  // Everything is compared at a working resolution with the shorter side at most WORK_SIDE: a
  // 1280×800 page at half size still resolves a line of text, and each pass costs a quarter.
  const factor = Math.max(1, Math.floor(Math.min(design.width, design.height) / WORK_SIDE));
  const a = fitAndShrink(design, design.width, design.height, factor);
  const unaligned = fitAndShrink(capture, design.width, design.height, factor);
  const { width, height } = a;
  const paletteA = dominantPalette(a);
  const paletteB = dominantPalette(unaligned);
  const bgA = paletteA[0]!;
  const bgB = paletteB[0]!;
  const shift = findShift(a, unaligned, [lumaOf(bgA), lumaOf(bgB)]);
  const b = translate(unaligned, shift.dx, shift.dy, rgbOf(bgB));

  const structure = structureScore(a, b);

  const diff = options.diff ? new Uint8ClampedArray(width * height * 4) : undefined;
  const mismatched = pixelmatch(grey(a), grey(b), diff, width, height, { threshold: 0.1, includeAA: true, diffMask: true });
  const drawn = countDrawn(a, b, bgA.box, bgB.box);
  const pixels = drawn === 0 ? (mismatched === 0 ? 1 : 0) : Math.max(0, 1 - mismatched / drawn);

  const distance = colourDistance(paletteA, paletteB);
  const deltaE = Math.max(distance.background, distance.drawn);
  const colour = Math.max(0, 1 - deltaE / COLOUR_DELTA_E_WRONG);
  const layout = Math.max(0, 1 - Math.hypot(shift.dx, shift.dy) / (Math.min(width, height) * LAYOUT_SHIFT_WRONG));

  const score = 100 * (WEIGHTS.structure * structure + WEIGHTS.pixels * pixels + WEIGHTS.colour * colour + WEIGHTS.layout * layout);
  return {
    score: round(score, 1),
    parts: { structure: round(structure, 4), pixels: round(pixels, 4), colour: round(colour, 4), layout: round(layout, 4) },
    details: {
      width: design.width,
      height: design.height,
      scale: 1 / factor,
      mismatchedPixels: mismatched,
      drawnPixels: drawn,
      deltaE: round(deltaE, 2),
      shift: { dx: shift.dx * factor, dy: shift.dy * factor },
    },
    weights: WEIGHTS,
    ...(diff ? { diff: { width, height, data: diff } } : {}),
  };
}

/** RGBA bytes with each pixel's luma in all three channels. */
function grey(image: Rgba): Uint8ClampedArray {
  const out = new Uint8ClampedArray(image.data.length);
  for (let i = 0; i < out.length; i += 4) {
    out[i] = out[i + 1] = out[i + 2] = luma(image.data, i);
    out[i + 3] = 255;
  }
  return out;
}

/** Pixels that are not in their own image's background box (the palette's heaviest) in either image. */
function countDrawn(a: Rgba, b: Rgba, bgA: number, bgB: number): number {
  let drawn = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (quantise(a.data, i) !== bgA || quantise(b.data, i) !== bgB) drawn++;
  }
  return drawn;
}
