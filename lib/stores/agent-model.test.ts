import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '@/lib/agent/chat-api';
import { ModelChoice } from '@/lib/stores/agent-model';

const info: ModelInfo = { configured: true, models: ['small', 'large'], defaultModel: 'small', setupHint: null };

function memoryStorage(initial: Record<string, string> = {}) {
  const saved = new Map(Object.entries(initial));
  return { saved, getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
}

describe('ModelChoice', () => {
  it('starts on the server default and remembers a pick for the next visit', () => {
    const storage = memoryStorage();
    const first = new ModelChoice(storage, 'k');
    first.load(info);
    expect(first.current).toBe('small');
    first.pick('large');
    expect(first.current).toBe('large');
    const next = new ModelChoice(storage, 'k');
    next.load(info);
    expect(next.current).toBe('large');
  });

  it('ignores a model the server does not offer, picked or remembered', () => {
    const storage = memoryStorage({ k: 'gone' });
    const choice = new ModelChoice(storage, 'k');
    choice.load(info);
    expect(choice.current).toBe('small');
    choice.pick('other');
    expect(choice.current).toBe('small');
    expect(storage.saved.get('k')).toBe('gone');
  });

  it('still switches when storage refuses writes', () => {
    const choice = new ModelChoice({ getItem: () => null, setItem: () => { throw new Error('quota'); } }, 'k');
    choice.load(info);
    choice.pick('large');
    expect(choice.current).toBe('large');
  });
});
