import 'server-only';

// When the design loop goes on: after each build step the preview is captured and scored against
// the design; the loop stops when the score reaches the target, when it stops improving, or after
// the last allowed round, and says which.

/** A round must beat the best earlier round by this much to count as progress. */
export const MIN_GAIN = 1;

export type LoopDecision = 'continue' | 'target_reached' | 'not_improving' | 'max_rounds';

export function nextStep(scores: number[], options: { target: number; maxRounds: number }): LoopDecision {
  const latest = scores.at(-1);
  if (latest === undefined) return 'continue';
  if (latest >= options.target) return 'target_reached';
  if (scores.length >= options.maxRounds) return 'max_rounds';
  // Two rounds in a row without progress: the model is going round in circles.
  const best = (upTo: number) => Math.max(-Infinity, ...scores.slice(0, upTo));
  const stalled = (i: number) => i >= 1 && scores[i]! < best(i) + MIN_GAIN;
  if (stalled(scores.length - 1) && stalled(scores.length - 2)) return 'not_improving';
  return 'continue';
}

export const DECISION_TEXT: Record<LoopDecision, string> = {
  continue: 'Not there yet: improve the page where the capture differs from the design.',
  target_reached: 'The target score is reached: the loop stops here.',
  not_improving: 'The score stopped improving for two rounds: the loop stops here.',
  max_rounds: 'That was the last round allowed: the loop stops here.',
};
