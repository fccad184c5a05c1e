import { describe, expect, it } from 'vitest';
import { displayNameSchema, JOIN_CODE_ALPHABET, joinCodeSchema } from '@/lib/workshop';
import { newJoinCode } from '@/server/workshop/code';

describe('join codes', () => {
  it('are 6 characters of an alphabet without look-alikes', () => {
    for (const lookAlike of '0O1IL') expect(JOIN_CODE_ALPHABET).not.toContain(lookAlike);
    const codes = Array.from({ length: 2000 }, newJoinCode);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(new Set(codes.join('')).size).toBe(JOIN_CODE_ALPHABET.length);
  });

  it('forgive case, spaces and dashes as typed, and refuse the rest', () => {
    expect(joinCodeSchema.parse(' abc-d2f ')).toBe('ABCD2F');
    expect(joinCodeSchema.safeParse('ABCD0F').success).toBe(false);
    expect(joinCodeSchema.safeParse('ABCDE').success).toBe(false);
    expect(joinCodeSchema.safeParse("AB'; --").success).toBe(false);
  });
});

describe('display names', () => {
  it('refuse empty, long, control and invisible characters', () => {
    expect(displayNameSchema.parse('  Ada  ')).toBe('Ada');
    for (const bad of ['', '   ', 'x'.repeat(41), 'a\u0000b', 'a\u202Eb', 'a\u200Bb', 'a\nb']) expect(displayNameSchema.safeParse(bad).success).toBe(false);
  });
});
