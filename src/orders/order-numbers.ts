// The invariant of order numbers: the database hands out one per stored order, a positive safe
// integer (it is the answer's orderNumber and the console's URL), never twice. A batch that got
// fewer numbers, a duplicate or a zero back would answer one customer with another's order.
import { assert } from '../assert.js';

/** Asserts that `numbers` are `count` distinct positive safe integers (one per order written). */
export function assertOrderNumbers(numbers: readonly number[], count: number): void {
  assert(numbers.length === count, `a batch gets one order number per order written (${numbers.length} for ${count})`);
  assert(
    numbers.every((n) => Number.isSafeInteger(n) && n > 0),
    `order numbers are positive integers (${numbers.filter((n) => !Number.isSafeInteger(n) || n <= 0).join(', ')})`,
  );
  assert(new Set(numbers).size === numbers.length, 'order numbers are unique in a batch');
}
