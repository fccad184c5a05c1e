import 'server-only';
import { ssim } from 'ssim.js';
import { luma } from '@/server/design/align';
import { shrink, type Rgba } from '@/server/design/image';

// The structure part: mean SSIM (ssim.js, its 'weber' algorithm) on the images scaled down by the
// SSIM authors' rule (1/3 at 1280×800), averaged over the windows where something is drawn.
//
// Windows that are flat in both images (empty background) score 1 whatever else is on the page;
// averaging over them too would let a page that is mostly margin look right with half its content
// missing. A window counts when either image has an edge in it (neighbouring pixels whose luma
// differs by more than 4 of 255).

const WINDOW = 11; // ssim.js's default window, the SSIM paper's.
const EDGE = 4;

export function structureScore(a: Rgba, b: Rgba): number {
  // ssim.js's 'original' rule: scale down by round(shorter side / 256), as the SSIM authors advise.
  const factor = Math.max(1, Math.round(Math.min(a.width, a.height) / 256));
  const sa = shrink(a, factor);
  const sb = shrink(b, factor);
  const { ssim_map: map } = ssim(sa, sb, { ssim: 'weber', downsample: false, windowSize: WINDOW });
  const edges = edgeTable(sa, sb);
  const W = sa.width + 1;
  let sum = 0;
  let n = 0;
  let all = 0;
  for (let y = 0; y < map.height; y++) {
    for (let x = 0; x < map.width; x++) {
      const value = map.data[y * map.width + x]!;
      all += value;
      const inWindow = edges[(y + WINDOW) * W + x + WINDOW]! - edges[y * W + x + WINDOW]! - edges[(y + WINDOW) * W + x]! + edges[y * W + x]!;
      if (inWindow > 0) {
        sum += value;
        n++;
      }
    }
  }
  const mean = n > 0 ? sum / n : all / Math.max(1, map.width * map.height);
  return Math.max(0, Math.min(1, mean));
}

/** Summed-area table ((w+1)×(h+1)) of pixels that have an edge to the right or below in either image. */
function edgeTable(a: Rgba, b: Rgba): Float64Array {
  const { width, height } = a;
  const W = width + 1;
  const la = lumas(a);
  const lb = lumas(b);
  const table = new Float64Array(W * (height + 1));
  const edgeAt = (l: Float32Array, i: number, x: number, y: number) =>
    (x + 1 < width && Math.abs(l[i]! - l[i + 1]!) > EDGE) || (y + 1 < height && Math.abs(l[i]! - l[i + width]!) > EDGE);
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (edgeAt(la, i, x, y) || edgeAt(lb, i, x, y)) row++;
      table[(y + 1) * W + x + 1] = table[y * W + x + 1]! + row;
    }
  }
  return table;
}

function lumas(image: Rgba): Float32Array {
  const out = new Float32Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = luma(image.data, i * 4);
  return out;
}
