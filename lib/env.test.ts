import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';

describe('memory settings in the environment', () => {
  it('defaults to no overrides and a threshold of 0.8', () => {
    const env = parseEnv({});
    expect(env.MODEL_CONTEXT_WINDOWS).toEqual({});
    expect(env.COMPACT_THRESHOLD).toBe(0.8);
  });

  it('reads id=tokens pairs, prefixes with *', () => {
    expect(parseEnv({ MODEL_CONTEXT_WINDOWS: 'qwen2.5-coder:14b=32768, my-org/model-*=8192' }).MODEL_CONTEXT_WINDOWS).toEqual({
      'qwen2.5-coder:14b': 32768,
      'my-org/model-*': 8192,
    });
  });

  it('refuses malformed windows and thresholds', () => {
    expect(() => parseEnv({ MODEL_CONTEXT_WINDOWS: 'gpt-4o' })).toThrow(/MODEL_CONTEXT_WINDOWS/);
    expect(() => parseEnv({ MODEL_CONTEXT_WINDOWS: 'gpt-4o=12' })).toThrow(/between 1024/);
    expect(() => parseEnv({ MODEL_CONTEXT_WINDOWS: 'a b=4096' })).toThrow(/MODEL_CONTEXT_WINDOWS/);
    expect(() => parseEnv({ COMPACT_THRESHOLD: '1.5' })).toThrow(/COMPACT_THRESHOLD/);
    expect(() => parseEnv({ COMPACT_THRESHOLD: 'half' })).toThrow(/COMPACT_THRESHOLD/);
  });
});
