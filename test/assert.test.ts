// The assertions (src/assert.ts) and the invariants stated with them: a broken invariant fails
// where it breaks, naming itself.
import { describe, expect, it } from 'vitest';
import { AssertionError, assert, present } from '../src/assert.js';
import { assertOrderNumbers } from '../src/orders/order-numbers.js';

describe('assert and present', () => {
  it('pass a holding invariant through and fail a broken one with its reason', () => {
    expect(() => assert(1 + 1 === 2, 'arithmetic holds')).not.toThrow();
    expect(() => assert(false, 'entries sum to zero')).toThrow(new AssertionError('assertion failed: entries sum to zero'));
    expect(present(0, 'zero is a value')).toBe(0);
    expect(() => present(undefined, 'the reseller exists')).toThrow(/assertion failed: the reseller exists/);
    expect(() => present(null, 'the reseller exists')).toThrow(AssertionError);
  });
});

describe('order numbers of a batch', () => {
  it('are one per order, positive integers, unique', () => {
    expect(() => assertOrderNumbers([7, 8, 9], 3)).not.toThrow();
    expect(() => assertOrderNumbers([], 0)).not.toThrow();
    expect(() => assertOrderNumbers([7, 8], 3)).toThrow(/one order number per order written \(2 for 3\)/);
    expect(() => assertOrderNumbers([7, 0], 2)).toThrow(/positive integers \(0\)/);
    expect(() => assertOrderNumbers([7, 1.5], 2)).toThrow(/positive integers/);
    expect(() => assertOrderNumbers([7, 7], 2)).toThrow(/unique in a batch/);
  });
});
