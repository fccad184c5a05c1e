import { describe, expect, it } from 'vitest';
import { effectiveNetwork, resolveSettings } from '@/lib/project-settings';

describe('project settings', () => {
  it('fills defaults and keeps what is stored', () => {
    expect(resolveSettings(null)).toEqual({ network: 'allowlist', approval: 'ask', sandbox: 'auto' });
    expect(resolveSettings({ network: 'off' })).toEqual({ network: 'off', approval: 'ask', sandbox: 'auto' });
  });

  it('never lets a command open the network wider than the project allows', () => {
    expect(effectiveNetwork(undefined, 'off')).toBe('off');
    expect(effectiveNetwork('full', 'off')).toBe('off');
    expect(effectiveNetwork('full', 'allowlist')).toBe('allowlist');
    expect(effectiveNetwork('off', 'full')).toBe('off');
    expect(effectiveNetwork('allowlist', 'full')).toBe('allowlist');
  });
});
