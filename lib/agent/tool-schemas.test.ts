import { describe, expect, it } from 'vitest';
import { isServerTool, validateToolCall } from '@/lib/agent/tool-schemas';

describe('tool calls from the model', () => {
  it('validates remember as a server tool, with its schema', () => {
    expect(isServerTool('remember')).toBe(true);
    expect(validateToolCall({ id: 'a', name: 'remember', arguments: '{"text":" Use pnpm "}' })).toMatchObject({ args: { text: 'Use pnpm' } });
    expect(validateToolCall({ id: 'b', name: 'remember', arguments: '{"text":""}' }).error).toMatch(/^Invalid arguments for remember/);
    expect(validateToolCall({ id: 'c', name: 'remember', arguments: JSON.stringify({ text: 'x'.repeat(501) }) }).error).toMatch(/text/);
  });

  it('treats inherited property names as unknown tools instead of throwing', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(isServerTool(name)).toBe(false);
      expect(validateToolCall({ id: 'x', name, arguments: '{}' }).error).toMatch(/^Unknown tool/);
    }
  });
});
