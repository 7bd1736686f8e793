// GET /console: the balance, and the orders waiting for the reseller's authorization.
import { fundsOf } from '../../funds/funds.repository.js';
import { pendingOrders } from '../../orders/order-reads.repository.js';
import { html, type SafeHtml } from '../html.js';
import { money } from '../ordering/ordering.page.js';
import { sendPage } from '../page.js';
import { consolePage, ordersTable, type ConsoleFrame, type OrderRowView } from './kit.js';
import { rowViews } from './order-rows.js';
import type { ConsolePage } from './router.js';

/** Orders shown on the dashboard; the count of waiting orders stops at PENDING_COUNT_CAP. */
const PENDING_SHOWN = 10;
const PENDING_COUNT_CAP = 10_000;

export const dashboard: ConsolePage = (r) => {
  r.get('/console', async (_req, reply, s) => {
    const funds = (await fundsOf(r.ctx.store.db, s.resellerId))!;
    const pending = await pendingOrders(r.ctx.store.db, s.resellerId, PENDING_SHOWN, PENDING_COUNT_CAP);
    return sendPage(
      reply,
      dashboardPage(s.frame('dashboard', 'Dashboard'), {
        balanceCents: funds.balanceCents,
        creditLimitCents: funds.creditLimitCents,
        currency: funds.currency,
        pendingCount: pending.count,
        pendingCapped: pending.count >= PENDING_COUNT_CAP,
        pending: await rowViews(r.ctx, pending.orders),
      }),
      { errorCode: 0 },
    );
  });
};

function dashboardPage(f: ConsoleFrame, d: { balanceCents: number; creditLimitCents: number; currency: string; pendingCount: number; pendingCapped: boolean; pending: readonly OrderRowView[] }): SafeHtml {
  return consolePage(
    f,
    html`<h1>Dashboard</h1>
<div class="cards">
<section class="card" aria-labelledby="balance-h"><h2 id="balance-h">Balance</h2><p class="big" id="balance">${money(d.balanceCents, d.currency)}</p>${d.creditLimitCents > 0 ? html`<p class="hint">Credit limit ${money(d.creditLimitCents, d.currency)}</p>` : ''}</section>
<section class="card" aria-labelledby="pending-h"><h2 id="pending-h">Awaiting authorization</h2><p class="big">${d.pendingCount}${d.pendingCapped ? '+' : ''}</p><p><a href="/console/orders?status=pending_authorization">See all</a></p></section>
</div>
<h2>Orders awaiting your authorization</h2>
${ordersTable(d.pending, 'Newest first')}`,
  );
}
