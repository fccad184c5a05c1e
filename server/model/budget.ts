import 'server-only';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '@/db/client';
import { addTokens, tokensUsedOn, utcDay } from '@/db/queries/usage';
import type { ProjectSummary } from '@/db/queries/projects';
import type { StoredContent, Usage } from '@/lib/agent/protocol';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { chatMessages, chatTools } from '@/server/model/conversation';
import { workshopBudget } from '@/server/workshop/budget';

// What one identity may spend of the operator's model key: tokens per UTC day (counted from the usage
// the model reports) and turns per minute. Both are checked before anything is sent upstream.

export interface Budget {
  /** Tokens (prompt + completion) per UTC day; 0 = no limit. */
  dailyTokens: number;
  /** Model calls per minute; 0 = no limit. */
  turnsPerMinute: number;
  /** A rate a group of users shares (a workshop's students), on top of each one's own. */
  group?: { key: string; turnsPerMinute: number };
  /** Set when the agent is off for this user here (a workshop's setting): the turn is refused with it. */
  off?: string;
  /** Whose budget the daily tokens are, for the refusal ('for the workshop "…"'); unset → the IDE's. */
  owner?: string;
  /** The workshop whose student this is: each model call's tokens are counted there too. */
  workshopId?: string;
}

/** The budget of a user in a project. One place to change it: a workshop gives each student its own. */
export async function budgetFor(db: Db, user: { id: string }, project: Pick<ProjectSummary, 'id' | 'forkedFromId'>): Promise<Budget> {
  const base: Budget = { dailyTokens: env.MODEL_DAILY_TOKENS, turnsPerMinute: env.AGENT_TURNS_PER_MINUTE };
  return (await workshopBudget(db, user, project, base)) ?? base;
}

/** Refuses (budget:model) when the user's tokens today reach the budget. */
export async function checkTokenBudget(db: Db, userId: string, budget: Budget, now = new Date()): Promise<void> {
  if (budget.dailyTokens <= 0) return;
  checkTokensUsed(await tokensUsedOn(db, userId, utcDay(now)), budget, now);
}

/** checkTokenBudget on a count already read (chat.send reads it with the rest of its turn). */
export function checkTokensUsed(used: number, budget: Budget, now = new Date()): void {
  if (budget.dailyTokens <= 0 || used < budget.dailyTokens) return;
  throw new AppError(
    'budget:model',
    `You have used today's model budget${budget.owner ? ` ${budget.owner}` : ''} of ${budget.dailyTokens.toLocaleString('en-US')} tokens; it resets at 00:00 UTC (in ${untilMidnight(now)}).`,
  );
}

function untilMidnight(now: Date): string {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const minutes = Math.ceil((next - now.getTime()) / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * Counts a model call's tokens; without reported usage (stopped, cut off) an estimate of 4 characters
 * a token of what was sent (system prompt, tools, conversation) and what came back.
 */
export async function chargeTokens(
  db: Db,
  userId: string,
  usage: Usage | null,
  estimate: { history: StoredContent[]; answer: string },
  /** Counted tokens of a compaction's summary call made for this turn. */
  extraTokens = 0,
  now = new Date(),
): Promise<number> {
  const sentChars = () => JSON.stringify(chatMessages(estimate.history)).length + JSON.stringify(chatTools()).length;
  const tokens = extraTokens + (usage ? usage.promptTokens + usage.completionTokens : Math.ceil((sentChars() + estimate.answer.length) / 4));
  await addTokens(db, userId, utcDay(now), tokens);
  return tokens;
}

/** Turns per identity per minute, in this process (rate-limiter-flexible's memory store). */
export class TurnRateLimit {
  readonly #limiters = new Map<number, RateLimiterMemory>();

  async take(userId: string, budget: Budget): Promise<void> {
    await this.#consume(userId, budget.turnsPerMinute, 'Too many agent turns');
    if (budget.group) await this.#consume(budget.group.key, budget.group.turnsPerMinute, 'Too many agent turns in this workshop');
  }

  async #consume(key: string, perMinute: number, what: string): Promise<void> {
    if (perMinute <= 0) return;
    let limiter = this.#limiters.get(perMinute);
    if (!limiter) this.#limiters.set(perMinute, (limiter = new RateLimiterMemory({ points: perMinute, duration: 60 })));
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new AppError('rate_limit:chat', `${what}: at most ${perMinute} a minute. Try again in ${seconds} s.`);
    }
  }
}
