import 'server-only';
import sharp from 'sharp';
import type { Db } from '@/db/client';
import { getBlobs } from '@/db/queries/blobs';
import { addDesignRound, getProjectDesign, listDesignRounds, setProjectDesign } from '@/db/queries/design';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { decodePng, encodePng, ImageError, MAX_SIDE } from '@/server/design/image';
import { DECISION_TEXT, nextStep, type LoopDecision } from '@/server/design/loop';
import { scoreImages, type FidelityScore } from '@/server/design/score';
import { normaliseImage } from '@/server/model/images';

// The design loop's server side: the project's design (checked like a chat image, kept as PNG at
// its own size, which is the viewport captures are taken at) and its rounds, each scored here.

const dataUrlBytes = (url: string) => Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
const pngUrl = (bytes: Uint8Array) => `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`;

/** Stores a design screenshot (PNG, JPEG or WebP by content) for the project, as PNG. */
export async function startFromDesign(db: Db, projectId: string, dataUrl: string): Promise<{ width: number; height: number }> {
  const checked = await normaliseImage(dataUrlBytes(dataUrl), MAX_SIDE);
  const png = checked.type === 'png' ? checked.bytes : await sharp(checked.bytes).png().toBuffer();
  await setProjectDesign(db, { projectId, png, width: checked.width, height: checked.height });
  return { width: checked.width, height: checked.height };
}

export interface RoundResult {
  round: number;
  score: number;
  parts: FidelityScore['parts'];
  decision: LoopDecision;
  message: string;
}

/** Scores a capture of the preview against the design, stores it as the next round, and says whether the loop goes on. */
export async function scoreRound(db: Db, projectId: string, captureUrl: string): Promise<RoundResult> {
  const design = await getProjectDesign(db, projectId);
  if (!design) throw new AppError('not_found:design');
  const designPng = (await getBlobs(db, [design.designHash])).get(design.designHash);
  if (!designPng) throw new AppError('not_found:design');
  let captured: Awaited<ReturnType<typeof decodePng>>;
  try {
    captured = await decodePng(dataUrlBytes(captureUrl));
  } catch (error) {
    if (error instanceof ImageError) throw new AppError('bad_request:design', `The capture cannot be scored: ${error.message}.`);
    throw error;
  }
  const result = scoreImages(await decodePng(Buffer.from(designPng)), captured, { diff: true });
  // Re-encoded: only decoded pixels are stored.
  const [capture, diff] = await Promise.all([encodePng(captured), encodePng(result.diff!)]);
  const row = await addDesignRound(db, { projectId, capture, diff, score: { score: result.score, parts: result.parts } });
  const scores = (await listDesignRounds(db, projectId)).map((r) => r.score.score);
  const decision = nextStep(scores, { target: env.DESIGN_TARGET_SCORE, maxRounds: env.DESIGN_MAX_ROUNDS });
  return { round: row.round, score: result.score, parts: result.parts, decision, message: DECISION_TEXT[decision] };
}

/** The design and the rounds so far; images of the latest round for the compare view. */
export async function designState(db: Db, projectId: string) {
  const design = await getProjectDesign(db, projectId);
  if (!design) return null;
  const rounds = await listDesignRounds(db, projectId);
  const latest = rounds.at(-1);
  const blobs = await getBlobs(db, [design.designHash, ...(latest ? [latest.captureHash, latest.diffHash] : [])]);
  const url = (hash: string) => pngUrl(blobs.get(hash)!);
  return {
    design: { url: url(design.designHash), width: design.width, height: design.height },
    rounds: rounds.map((r) => ({ round: r.round, score: r.score.score, parts: r.score.parts, createdAt: r.createdAt })),
    latest: latest ? { round: latest.round, capture: url(latest.captureHash), diff: url(latest.diffHash), score: latest.score.score, parts: latest.score.parts } : null,
    target: env.DESIGN_TARGET_SCORE,
    maxRounds: env.DESIGN_MAX_ROUNDS,
  };
}
