import { describe, expect, it, vi } from 'vitest';
import type { StoredContent } from '@/lib/agent/protocol';
import { HistoryCache, RecentAccess, type CachedConversation } from '@/server/model/history-cache';

const entry = (chars: number, userId = 'u1'): CachedConversation => ({
  projectId: 'p1',
  userId,
  contents: [{ kind: 'user', text: 'x'.repeat(chars) } as StoredContent],
  lastId: `m-${chars}`,
  chars,
});

describe('HistoryCache', () => {
  it('answers only for the same project and user', () => {
    const cache = new HistoryCache();
    cache.set('c1', entry(10));
    expect(cache.get('c1', 'p1', 'u1')?.lastId).toBe('m-10');
    expect(cache.get('c1', 'p1', 'u2')).toBeUndefined();
    expect(cache.get('c1', 'p2', 'u1')).toBeUndefined();
    cache.forget('c1');
    expect(cache.get('c1', 'p1', 'u1')).toBeUndefined();
  });

  it('drops the least recently used past its character and entry bounds, and never holds an oversized entry', () => {
    const cache = new HistoryCache(100, 3);
    cache.set('a', entry(40));
    cache.set('b', entry(40));
    cache.get('a', 'p1', 'u1'); // a is now the most recent
    cache.set('c', entry(40)); // 120 > 100: b goes
    expect([cache.get('a', 'p1', 'u1'), cache.get('b', 'p1', 'u1'), cache.get('c', 'p1', 'u1')].map(Boolean)).toEqual([true, false, true]);
    cache.set('big', entry(101));
    expect(cache.get('big', 'p1', 'u1')).toBeUndefined();
    cache.set('d', entry(1));
    cache.set('e', entry(1)); // four entries > 3: the oldest (a) goes
    expect(cache.size).toBe(3);
    expect(cache.get('a', 'p1', 'u1')).toBeUndefined();
  });
});

describe('RecentAccess', () => {
  it('remembers a check for its time to live only', () => {
    vi.useFakeTimers();
    try {
      const recent = new RecentAccess(1_000);
      recent.remember('u1', 'p1');
      expect(recent.recent('u1', 'p1')).toBe(true);
      expect(recent.recent('u1', 'p2')).toBe(false);
      vi.advanceTimersByTime(1_001);
      expect(recent.recent('u1', 'p1')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
