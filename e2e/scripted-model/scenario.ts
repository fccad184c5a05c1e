import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// A scenario is an ordered list of steps. Each incoming model request takes the first step at or
// after the cursor whose `match` holds (a step without `match` always holds), and the cursor moves
// past it (unless `repeat`). `match` looks at the request's trailing messages: everything after the
// last assistant message (the new user message, or all tool results of the last turn), as text.

const toolCallSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  /** An object is JSON-encoded; a string is sent verbatim (to script invalid JSON). */
  arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).default({}),
});

const faultSchema = z.object({
  /** Answer this HTTP status instead, `times` times (the step is not consumed), then answer normally. */
  status: z.number().int().min(400).max(599),
  times: z.number().int().min(1).default(1),
  /** Sent as retry-after-ms and retry-after (seconds, rounded up). */
  retryAfterMs: z.number().int().min(0).optional(),
  /** OpenAI error code, e.g. context_length_exceeded, invalid_api_key, model_not_found. */
  code: z.string().optional(),
  message: z.string().optional(),
});

export const stepSchema = z.object({
  name: z.string().optional(),
  match: z
    .object({
      role: z.enum(['user', 'tool']).optional(),
      contains: z.string().optional(),
      notContains: z.string().optional(),
    })
    .optional(),
  text: z.string().optional(),
  toolCalls: z.array(toolCallSchema).optional(),
  /** Emit this many text tokens ("tok ") instead of / after `text`: a fixed size for throughput. */
  tokens: z.number().int().min(0).optional(),
  /** Characters per streamed text delta (default 8). */
  chunkChars: z.number().int().min(1).default(8),
  /** Argument characters per tool-call delta (default 10), so calls arrive split over chunks. */
  argChunkChars: z.number().int().min(1).default(10),
  usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() }).optional(),
  fault: faultSchema.optional(),
  /** Delay before the first chunk and between chunks. */
  firstChunkDelayMs: z.number().int().min(0).default(0),
  chunkDelayMs: z.number().int().min(0).default(0),
  /** Destroy the connection after this many chunks (a stream cut mid-answer). */
  cutAfterChunks: z.number().int().min(0).optional(),
  /** Keep answering with this step (benchmarks). */
  repeat: z.boolean().default(false),
});

export const scenarioSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  steps: z.array(stepSchema),
});

export type Step = z.infer<typeof stepSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;

export const scenariosDir = path.join(import.meta.dirname, 'scenarios');

export function parseScenario(input: unknown): Scenario {
  return scenarioSchema.parse(input);
}

/** Loads scenarios/<name>.json. Names are plain ([a-z0-9-_]), never paths. */
export function loadScenario(name: string, dir = scenariosDir): Scenario {
  if (!/^[\w-]+$/.test(name)) throw new Error(`Bad scenario name "${name}"`);
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) throw new Error(`No scenario "${name}" in ${dir}`);
  return parseScenario({ name, ...JSON.parse(fs.readFileSync(file, 'utf8')) });
}

export interface TrailingMessages {
  role: 'user' | 'tool' | 'other';
  text: string;
}

export function stepMatches(step: Step, trailing: TrailingMessages): boolean {
  const m = step.match;
  if (!m) return true;
  if (m.role && m.role !== trailing.role) return false;
  if (m.contains !== undefined && !trailing.text.includes(m.contains)) return false;
  if (m.notContains !== undefined && trailing.text.includes(m.notContains)) return false;
  return true;
}

/** The state of one loaded scenario: the cursor and the fault counters. */
export class ScenarioRunner {
  private cursor = 0;
  private faultsServed = new Map<number, number>();
  constructor(readonly scenario: Scenario) {}

  /** Picks the step for a request; returns the step and whether to answer with its fault this time. */
  next(trailing: TrailingMessages): { step: Step; index: number; fault: boolean } | undefined {
    const steps = this.scenario.steps;
    for (let i = this.cursor; i < steps.length; i++) {
      const step = steps[i]!;
      if (!stepMatches(step, trailing)) continue;
      const served = this.faultsServed.get(i) ?? 0;
      if (step.fault && served < step.fault.times) {
        this.faultsServed.set(i, served + 1);
        return { step, index: i, fault: true };
      }
      if (!step.repeat) this.cursor = i + 1;
      return { step, index: i, fault: false };
    }
    return undefined;
  }
}
