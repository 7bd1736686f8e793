// `placeorder funds …`: the operator records money a reseller paid in, corrects a balance, and
// reads the ledger. Every change is a new ledger entry; nothing is ever edited or deleted.
import { randomBytes } from 'node:crypto';
import { systemClock } from '../clock.js';
import { FundsInputError, adjustFunds, creditFunds, statement } from '../funds/funds.service.js';
import { formatCents } from '../money.js';
import { CliError, parseAmount, parseFlags, requireFlag, withStore, type Io } from './common.js';

/** Longest memo kept with an entry. */
const MAX_MEMO = 200;

export async function fundsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const requestId = `cli-${randomBytes(6).toString('hex')}`;
  const { values, usage } = parseFlags(rest, ['funds', sub!]);
  try {
    if (sub === 'credit' || sub === 'adjust') {
      const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
      const amountText = requireFlag(values.amount as string | undefined, 'amount', usage);
      const memo = (values.memo as string | undefined) ?? null;
      if (memo !== null && [...memo].length > MAX_MEMO) throw new CliError(`--memo must be at most ${MAX_MEMO} characters`);
      if (sub === 'credit') {
        const cents = parseAmount(amountText);
        return await withStore(values.db as string | undefined, async (store) => {
          const balance = await creditFunds(store, systemClock, ap, cents, memo, requestId);
          io.out(`credited ${formatCents(cents)} to "${ap}"; balance ${formatCents(balance)}`);
          return 0;
        });
      }
      if (memo === null || memo.trim() === '') throw new CliError(`--memo is required for an adjustment (say why)\nusage: ${usage}`);
      const negative = amountText.startsWith('-');
      const signed = (negative ? -1 : 1) * parseAmount(negative ? amountText.slice(1) : amountText);
      return await withStore(values.db as string | undefined, async (store) => {
        const balance = await adjustFunds(store, systemClock, ap, signed, memo, requestId);
        io.out(`adjusted "${ap}" by ${formatCents(signed)}; balance ${formatCents(balance)}`);
        return 0;
      });
    }
    if (sub === 'show') {
      const ap = requireFlag(values.ap as string | undefined, 'ap', usage);
      const limitText = (values.limit as string | undefined) ?? '1000';
      if (!/^[0-9]{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100_000) {
        throw new CliError(`--limit must be a whole number from 1 to 100000, got "${limitText}"`);
      }
      return await withStore(values.db as string | undefined, async (store) => {
        const s = await statement(store, ap, Number(limitText));
        if (values.json) {
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
  } catch (error) {
    if (error instanceof FundsInputError) throw new CliError(error.message);
    throw error;
  }
  throw new CliError(`unknown funds command "${sub ?? ''}"`);
}
