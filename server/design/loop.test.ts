import { describe, expect, it } from 'vitest';
import { nextStep } from '@/server/design/loop';

const options = { target: 90, maxRounds: 5 };

describe('nextStep', () => {
  it('goes on while the score climbs and stops at the target', () => {
    expect(nextStep([], options)).toBe('continue');
    expect(nextStep([40], options)).toBe('continue');
    expect(nextStep([40, 60, 75], options)).toBe('continue');
    expect(nextStep([40, 60, 90.1], options)).toBe('target_reached');
  });

  it('stops after two rounds without a gain of at least a point over the best, but not after one', () => {
    expect(nextStep([60, 60.5], options)).toBe('continue');
    expect(nextStep([60, 60.5, 59], options)).toBe('not_improving');
    expect(nextStep([60, 55, 70], options)).toBe('continue');
  });

  it('stops after the last allowed round', () => {
    expect(nextStep([10, 20, 30, 40, 50], options)).toBe('max_rounds');
    expect(nextStep([10, 20, 30, 40, 95], options)).toBe('target_reached');
  });
});
