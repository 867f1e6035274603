import { describe, expect, it } from 'vitest';
import { formatG } from './pyformat';

describe('formatG (Python %g)', () => {
  it('formats as Python does', () => {
    // Expected strings are Python's '%.3g' / '%.5g' of the same values.
    expect(formatG(0.6067638885386004, 3)).toBe('0.607');
    expect(formatG(0.49997114095175454, 3)).toBe('0.5');
    expect(formatG(0.45024, 3)).toBe('0.45');
    expect(formatG(1, 3)).toBe('1');
    expect(formatG(0, 3)).toBe('0');
    expect(formatG(0.00060144, 5)).toBe('0.00060144');
    expect(formatG(0.000012345678, 5)).toBe('1.2346e-05');
    expect(formatG(0.0892, 5)).toBe('0.0892');
    expect(formatG(123456, 5)).toBe('1.2346e+05');
    expect(formatG(99, 5)).toBe('99');
    expect(formatG(0.10993, 5)).toBe('0.10993');
  });
});
