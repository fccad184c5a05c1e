import { describe, expect, it } from 'vitest';
import { compactionLimit, contextWindow, DEFAULT_WINDOW } from '@/server/memory/windows';

describe('context windows', () => {
  it('knows common model families', () => {
    expect(contextWindow('gpt-4.1-mini')).toBe(1_047_576);
    expect(contextWindow('gpt-4o-2024-08-06')).toBe(128_000);
    expect(contextWindow('o4-mini')).toBe(200_000);
    expect(contextWindow('claude-sonnet-4')).toBe(200_000);
    expect(contextWindow('qwen2.5-coder:14b')).toBe(32_768);
    expect(contextWindow('llama3.1:8b')).toBe(131_072);
    expect(contextWindow('llama3:8b')).toBe(8_192);
    expect(contextWindow('openai/gpt-4o')).toBe(128_000);
    expect(contextWindow('GPT-4o')).toBe(128_000);
  });

  it('gives unknown ids the conservative default', () => {
    expect(contextWindow('scripted-model')).toBe(DEFAULT_WINDOW);
    expect(contextWindow('')).toBe(DEFAULT_WINDOW);
  });

  it('lets the operator override exact ids and prefixes, exact first', () => {
    const overrides = { 'qwen2.5-coder:14b': 8192, 'qwen*': 65_536, 'my-model': 50_000 };
    expect(contextWindow('qwen2.5-coder:14b', overrides)).toBe(8192);
    expect(contextWindow('qwen3:30b', overrides)).toBe(65_536);
    expect(contextWindow('my-model', overrides)).toBe(50_000);
    expect(contextWindow('gpt-4o', overrides)).toBe(128_000);
  });

  it('does not treat inherited object keys as overrides', () => {
    expect(contextWindow('constructor', {})).toBe(DEFAULT_WINDOW);
    expect(contextWindow('__proto__', {})).toBe(DEFAULT_WINDOW);
  });

  it('compacts at the threshold share of the window', () => {
    expect(compactionLimit(100_000)).toBe(80_000);
    expect(compactionLimit(100_000, 0.5)).toBe(50_000);
  });
});
