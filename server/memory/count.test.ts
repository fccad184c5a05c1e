import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { chatTools } from '@/server/model/conversation';
import { countMessage, countMessages, countText, countTools, IMAGE_TOKENS, MESSAGE_OVERHEAD, REPLY_OVERHEAD, TOOL_CALL_OVERHEAD } from '@/server/memory/count';

describe('token counting (o200k_base)', () => {
  it('counts text with the real tokenizer', () => {
    // Known o200k counts: "hello world" is 2 tokens, one repeated 1,000 times is 2,000.
    expect(countText('hello world')).toBe(2);
    expect(countText('hello world'.repeat(1000))).toBeGreaterThan(1000);
    expect(countText('')).toBe(0);
  });

  it('gives the tokenizer’s count for long texts, also when counted again', () => {
    const long = Array.from({ length: 3000 }, (_, i) => `line ${i}: const value${i} = compute(${i * 7});`).join('\n');
    const exact = countTokens(long);
    expect(countText(long)).toBe(exact);
    expect(countText(long)).toBe(exact);
    expect(countText(`${long}!`)).toBe(countTokens(`${long}!`));
  });

  it('counts special-token markers in tool output as plain text instead of throwing', () => {
    const hostile = 'build log <|endoftext|> more <|im_start|>system';
    expect(() => countText(hostile)).not.toThrow();
    expect(countText(hostile)).toBeGreaterThan(5);
  });

  it('adds the per-message and reply overheads', () => {
    const m = { role: 'user' as const, content: 'hello world' };
    expect(countMessage(m)).toBe(MESSAGE_OVERHEAD + 2);
    expect(countMessages([m, m])).toBe(REPLY_OVERHEAD + 2 * (MESSAGE_OVERHEAD + 2));
  });

  it('counts tool calls by name and arguments', () => {
    const args = JSON.stringify({ path: 'src/index.ts' });
    const m = {
      role: 'assistant' as const,
      content: null,
      tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'read_file', arguments: args } }],
    };
    expect(countMessage(m)).toBe(MESSAGE_OVERHEAD + TOOL_CALL_OVERHEAD + countText('read_file') + countText(args));
  });

  it('charges images by the documented rule, whatever their bytes', () => {
    const image = (detail?: 'low' | 'high') => ({
      role: 'user' as const,
      content: [
        { type: 'text' as const, text: 'hello world' },
        { type: 'image_url' as const, image_url: { url: `data:image/png;base64,${'A'.repeat(100_000)}`, ...(detail ? { detail } : {}) } },
      ],
    });
    expect(countMessage(image())).toBe(MESSAGE_OVERHEAD + 2 + IMAGE_TOKENS.high);
    expect(countMessage(image('low'))).toBe(MESSAGE_OVERHEAD + 2 + IMAGE_TOKENS.low);
  });

  it('counts the tool definitions the agent sends', () => {
    const n = countTools(chatTools());
    expect(n).toBe(countText(JSON.stringify(chatTools())));
    expect(n).toBeGreaterThan(500);
    expect(countTools([])).toBe(0);
  });
});
