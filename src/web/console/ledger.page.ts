// GET /console/ledger: the newest entries of the reseller's funds ledger, and
// GET /console/ledger.csv: the whole ledger as a CSV file, streamed (./ledger-csv.ts).
import { isoNow } from '../../clock.js';
import { fundsOf } from '../../funds/funds.repository.js';
import { statement, type Statement } from '../../funds/funds.service.js';
import { html, type SafeHtml } from '../html.js';
import { money } from '../ordering/ordering.page.js';
import { sendPage } from '../page.js';
import { consolePage, when, type ConsoleFrame } from './kit.js';
import { ledgerCsvStream } from './ledger-csv.js';
import type { ConsolePage } from './router.js';

/** Entries on the ledger page. */
export const LEDGER_PAGE_ENTRIES = 200;

export const ledger: ConsolePage = (r) => {
  r.get('/console/ledger', async (_req, reply, s) => {
    const st = await statement(r.ctx.store.db, s.ap, LEDGER_PAGE_ENTRIES);
    return sendPage(reply, ledgerPage(s.frame('ledger', 'Funds ledger'), st, st.entries.length), { errorCode: 0 });
  });

  r.get('/console/ledger.csv', async (req, reply, s) => {
    const funds = (await fundsOf(r.ctx.store.db, s.resellerId))!;
    req.errorCode = 0;
    const file = `ledger-${s.ap.replace(/[^A-Za-z0-9._-]/g, '_')}-${isoNow(r.ctx.clock).slice(0, 10)}.csv`;
    return reply
      .header('cache-control', 'no-store')
      // A file carries its errorCode in the header, as pages do (the fuzzer found none here).
      .header('x-placeorder-error-code', '0')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', `attachment; filename="${file}"`)
      .type('text/csv; charset=utf-8')
      .send(ledgerCsvStream(r.ctx.store, s.resellerId, funds.currency));
  });
};

function ledgerPage(f: ConsoleFrame, s: Statement, shown: number): SafeHtml {
  return consolePage(
    f,
    html`<h1>Funds ledger</h1>
<p>Balance: <strong id="balance">${money(s.balanceCents, s.currency)}</strong>${s.creditLimitCents > 0 ? html` (credit limit ${money(s.creditLimitCents, s.currency)})` : ''}</p>
<p><a class="button secondary" href="/console/ledger.csv" download>Download CSV</a></p>
<div class="table-wrap"><table>
<caption class="hint">The newest ${shown} entries, oldest first, each with the balance just after it.</caption>
<thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Order</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Balance</th><th scope="col">Memo</th></tr></thead>
<tbody>${s.entries.map(
      (e) =>
        html`<tr><td>${when(e.at)}</td><td>${e.kind.replace('_', ' ')}</td><td>${e.orderNumber !== null ? html`<a href="/console/orders/${e.orderNumber}">${e.orderNumber}</a>` : ''}</td><td class="num">${money(e.amountCents, s.currency)}</td><td class="num">${money(e.balanceCents, s.currency)}</td><td>${e.memo ?? ''}</td></tr>`,
    )}</tbody></table></div>`,
  );
}
