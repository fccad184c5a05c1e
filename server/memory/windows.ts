import 'server-only';

// The context window (input tokens) per model id. Defaults for common families; the operator's
// MODEL_CONTEXT_WINDOWS (lib/env.ts) overrides them. A local server's real window is what it was
// started with (Ollama's num_ctx, vLLM's --max-model-len), which is why unknown ids get a small one.

/** Unknown ids: small enough for most local models, large enough for the tools and a few turns. */
export const DEFAULT_WINDOW = 16_384;
export const DEFAULT_THRESHOLD = 0.8;

/** First match wins: exact ids, then prefixes ending in *. Lower-case. */
const DEFAULTS: ReadonlyArray<readonly [string, number]> = [
  ['gpt-4.1*', 1_047_576],
  ['gpt-4o*', 128_000],
  ['chatgpt-4o*', 128_000],
  ['gpt-5*', 272_000],
  ['o1-mini*', 128_000],
  ['o1*', 200_000],
  ['o3*', 200_000],
  ['o4*', 200_000],
  ['gpt-4-turbo*', 128_000],
  ['gpt-4*', 8_192],
  ['gpt-3.5*', 16_385],
  ['claude*', 200_000],
  ['gemini*', 1_048_576],
  ['qwen*', 32_768],
  ['deepseek*', 65_536],
  ['llama3.1*', 131_072],
  ['llama3.2*', 131_072],
  ['llama3.3*', 131_072],
  ['llama*', 8_192],
  ['mistral*', 32_768],
  ['codestral*', 32_768],
];

function lookup(table: Iterable<readonly [string, number]>, id: string): number | undefined {
  const entries = [...table];
  for (const [key, tokens] of entries) if (!key.endsWith('*') && key === id) return tokens;
  for (const [key, tokens] of entries) if (key.endsWith('*') && id.startsWith(key.slice(0, -1))) return tokens;
  return undefined;
}

/** The window for a model id: the operator's override, else a family default, else DEFAULT_WINDOW. */
export function contextWindow(modelId: string, overrides: Readonly<Record<string, number>> = {}): number {
  const id = modelId.trim().toLowerCase();
  // Providers prefix ids ("openai/gpt-4o", "library/qwen2.5"): the family is the last segment.
  const family = id.slice(id.lastIndexOf('/') + 1);
  const own = Object.entries(overrides).map(([k, v]) => [k.toLowerCase(), v] as const);
  return lookup(own, id) ?? lookup(own, family) ?? lookup(DEFAULTS, family) ?? DEFAULT_WINDOW;
}

/** The prompt size at which to compact: threshold × window, in tokens. */
export function compactionLimit(window: number, threshold = DEFAULT_THRESHOLD): number {
  return Math.floor(window * threshold);
}
