// GET /console/ledger.csv: the reseller's whole funds ledger as CSV, streamed. Lines are made
// one batch of entries at a time (src/funds/ledger-export.ts) and handed to the socket as it
// drains, so an export of a year of entries holds one batch in memory, and its first bytes
// leave before the last entry is read.
import { Readable } from 'node:stream';
import type { Store } from '../../db/store.js';
import { ledgerExport } from '../../funds/ledger-export.js';
import { formatCents } from '../../money.js';

export const LEDGER_CSV_HEADER = ['entry', 'at', 'kind', 'order_number', 'amount', 'balance', 'currency', 'memo'].join(',');

/** Lines joined per chunk written: one write per hundred lines, not per line. */
const LINES_PER_CHUNK = 100;

/** A text cell that a spreadsheet will not run as a formula (CSV injection), quoted. */
export function csvText(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

async function* csvChunks(store: Store, resellerId: number, currency: string): AsyncGenerator<string> {
  let lines: string[] = [LEDGER_CSV_HEADER];
  for await (const e of ledgerExport(store, resellerId)) {
    lines.push(
      [String(e.entryId), e.at, csvText(e.kind), e.orderNumber === null ? '' : String(e.orderNumber), formatCents(e.amountCents), formatCents(e.balanceCents), currency, csvText(e.memo ?? '')].join(','),
    );
    if (lines.length >= LINES_PER_CHUNK) {
      yield lines.join('\r\n') + '\r\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\r\n') + '\r\n';
}

/** The CSV as a stream that reads the next batch only when the client has taken the last. */
export function ledgerCsvStream(store: Store, resellerId: number, currency: string): Readable {
  return Readable.from(csvChunks(store, resellerId, currency), { objectMode: false });
}
