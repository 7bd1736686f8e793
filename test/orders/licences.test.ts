// Licence codes and terms (pure functions): codes are random and well-formed; days are 24-hour
// days, years are calendar years in UTC.
import { describe, expect, it } from 'vitest';
import { newLicenceCode, termEnd } from '../../src/licences/licences.service.js';

describe('licences', () => {
  it('codes are 24 base32 characters in groups of four, and do not repeat', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newLicenceCode();
      expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$/);
      codes.add(code);
    }
    expect(codes.size).toBe(2000);
  });

  it.each([
    [{ days: 30 }, '2026-03-01T12:00:00.000Z', '2026-03-31T12:00:00.000Z'],
    [{ days: 45 }, '2026-12-20T00:00:00.000Z', '2027-02-03T00:00:00.000Z'],
    [{ days: 90 }, '2026-03-01T12:00:00.000Z', '2026-05-30T12:00:00.000Z'],
    [{ years: 1 }, '2026-03-01T12:00:00.000Z', '2027-03-01T12:00:00.000Z'],
    [{ years: 5 }, '2026-03-01T12:00:00.000Z', '2031-03-01T12:00:00.000Z'],
    [{ years: 1 }, '2028-02-29T08:00:00.000Z', '2029-03-01T08:00:00.000Z'],
    [{ years: 4 }, '2028-02-29T08:00:00.000Z', '2032-02-29T08:00:00.000Z'],
  ])('term %o from %s ends %s', (plan, start, end) => {
    expect(termEnd(plan, new Date(start)).toISOString()).toBe(end);
  });
});
