import 'server-only';
import OpenAI from 'openai';
import type { ModelApi } from '@/lib/agent/protocol';
import { env } from '@/lib/env';

// Where the agent's model lives: OpenAI (a key) or any OpenAI-compatible server (a base URL;
// local servers such as Ollama need no key). Passed around as a value so tests point it anywhere.

export interface ModelConfig {
  apiKey?: string;
  baseURL?: string;
  /** The first is the default. */
  models: string[];
  api: ModelApi;
}

export function modelConfigFromEnv(): ModelConfig {
  return { apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, models: env.OPENAI_MODELS, api: env.OPENAI_API };
}

export function isConfigured(config: ModelConfig): boolean {
  return Boolean(config.apiKey || config.baseURL);
}

export const SETUP_HINT =
  'No model is configured. Set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL for an OpenAI-compatible server ' +
  '(Ollama, vLLM, llama.cpp: e.g. OPENAI_BASE_URL=http://localhost:11434/v1, no key needed), list the models in ' +
  'OPENAI_MODELS, and restart the IDE.';

/** What the browser may know about the model setup: never the key or anything derived from it. */
export function publicModelInfo(config: ModelConfig) {
  return {
    configured: isConfigured(config),
    models: config.models,
    defaultModel: config.models[0] ?? null,
    api: config.api,
    setupHint: isConfigured(config) ? null : SETUP_HINT,
  };
}

const clients = new Map<string, OpenAI>();

/** One SDK client per configuration (keeps its connection pool). Retries are ours (see stream.ts). */
export function modelClient(config: ModelConfig): OpenAI {
  const cacheKey = `${config.baseURL ?? ''}\n${config.apiKey ?? ''}`;
  let client = clients.get(cacheKey);
  if (!client) {
    // A local server needs no key, but the SDK insists on one: send a placeholder.
    client = new OpenAI({ apiKey: config.apiKey || 'no-key', baseURL: config.baseURL, maxRetries: 0, timeout: 10 * 60_000 });
    clients.set(cacheKey, client);
  }
  return client;
}
