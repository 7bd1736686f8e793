// `placeorder funds …`: the operator records money a reseller paid in, corrects a balance, and
// reads the ledger. Every change is a new ledger entry; nothing is ever edited or deleted.
import { randomBytes } from 'node:crypto';
import { systemClock } from '../clock.js';
import { FundsInputError, adjustFunds, creditFunds, statement } from '../funds/funds.service.js';
import { formatCents } from '../money.js';
import { CliError, parseAmount, withStore, type Invocation, type Io } from './common.js';

/** Longest memo kept with an entry. */
const MAX_MEMO = 200;

export async function fundsCommand(inv: Invocation, io: Io): Promise<number> {
  try {
    return inv.sub === 'show' ? await show(inv, io) : await change(inv, io);
  } catch (error) {
    if (error instanceof FundsInputError) throw new CliError(error.message);
    throw error;
  }
}

/** `funds credit` and `funds adjust`: one new ledger entry. */
async function change(inv: Invocation, io: Io): Promise<number> {
  const requestId = `cli-${randomBytes(6).toString('hex')}`;
  const ap = inv.required('ap');
  const amountText = inv.required('amount');
  const memo = inv.string('memo') ?? null;
  if (memo !== null && [...memo].length > MAX_MEMO) throw new CliError(`--memo must be at most ${MAX_MEMO} characters`);
  if (inv.sub === 'credit') {
    const cents = parseAmount(amountText);
    return withStore(inv.string('db'), async (store) => {
      const balance = await creditFunds(store, systemClock, ap, cents, memo, requestId);
      io.out(`credited ${formatCents(cents)} to "${ap}"; balance ${formatCents(balance)}`);
      return 0;
    });
  }
  if (memo === null || memo.trim() === '') throw new CliError(`--memo is required for an adjustment (say why)\nusage: ${inv.usage}`);
  const negative = amountText.startsWith('-');
  const signed = (negative ? -1 : 1) * parseAmount(negative ? amountText.slice(1) : amountText);
  return withStore(inv.string('db'), async (store) => {
    const balance = await adjustFunds(store, systemClock, ap, signed, memo, requestId);
    io.out(`adjusted "${ap}" by ${formatCents(signed)}; balance ${formatCents(balance)}`);
    return 0;
  });
}

/** `funds show`: the balance and the newest ledger entries. */
async function show(inv: Invocation, io: Io): Promise<number> {
  const ap = inv.required('ap');
  const limitText = inv.string('limit') ?? '1000';
  if (!/^[0-9]{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100_000) {
    throw new CliError(`--limit must be a whole number from 1 to 100000, got "${limitText}"`);
  }
  return withStore(inv.string('db'), async (store) => {
    const s = await statement(store, ap, Number(limitText));
    if (inv.bool('json')) {
      io.out(JSON.stringify({ ap: s.ap, currency: s.currency, balanceCents: s.balanceCents, creditLimitCents: s.creditLimitCents, entries: s.entries }, null, 2));
      return 0;
    }
    io.out(`${s.ap}: balance ${formatCents(s.balanceCents)} ${s.currency} (credit limit ${formatCents(s.creditLimitCents)})`);
    if (s.entries.length === 0) io.out('no ledger entries');
    for (const e of s.entries) {
      io.out([e.entryId, e.at, e.kind, e.orderNumber ?? '-', formatCents(e.amountCents), formatCents(e.balanceCents), e.memo ?? ''].join('\t'));
    }
    return 0;
  });
}
