// The conformance checks of the reseller endpoints, judged over HTTP like the others (kit.ts).
import { apiLogin, expectError, expectOrder, expectThat, get, guest, post, show, type Check } from './kit.js';
import type { Pairs } from './http.js';

/** The reseller endpoints: only with --login/--password (the reseller's API user). */
export const RESELLER_CHECKS: readonly Check[] = [
  {
    id: 'reseller-get-refused',
    rule: '-17 for a reseller endpoint called with GET',
    async run(s) {
      const r = await get(s, [...apiLogin(s), ['orderNumber', '1']], '/products/!GetOrderStatus');
      expectError(r, -17);
    },
  },
  {
    id: 'reseller-bad-login',
    rule: '-16 for a reseller endpoint with a wrong API password',
    async run(s) {
      const r = await post(s, [...apiLogin(s, `${s.password ?? ''}-wrong`), ['orderNumber', '1']], '/products/!GetOrderStatus');
      expectError(r, -16);
    },
  },
  {
    id: 'reseller-authorize-flow',
    rule: 'a reseller=Y order is pending until !AutoAuthorize (test=Y changes nothing), then !GetOrderStatus shows it active',
    async run(s) {
      const placed = await post(s, guest(s));
      expectOrder(placed);
      const orderNumber = placed.fields.orderNumber ?? '';
      const login: Pairs = [...apiLogin(s), ['orderNumber', orderNumber]];
      const before = await post(s, login, '/products/!GetOrderStatus');
      expectThat(before.fields.errorCode === '0', `expected GetOrderStatus errorCode=0, got ${show(before)}`);
      const dry = await post(s, [...login, ['test', 'Y']], '/products/!AutoAuthorize');
      expectThat(dry.fields.errorCode === '0', `expected AutoAuthorize test=Y errorCode=0 (is the brand funded?), got ${show(dry)}`);
      const still = await post(s, login, '/products/!GetOrderStatus');
      expectThat(still.fields.status === before.fields.status, `expected test=Y to change nothing, status went ${before.fields.status} → ${still.fields.status}`);
      const auth = await post(s, login, '/products/!AutoAuthorize');
      expectThat(auth.fields.errorCode === '0', `expected AutoAuthorize errorCode=0, got ${show(auth)}`);
      const after = await post(s, login, '/products/!GetOrderStatus');
      expectThat(after.fields.status === 'active', `expected status=active after authorizing, got ${show(after)}`);
      const again = await post(s, login, '/products/!AutoAuthorize');
      expectThat(again.fields.errorCode === '0', `expected authorizing twice to succeed (no second debit), got ${show(again)}`);
    },
  },
  {
    id: 'reseller-foreign-order',
    rule: '-4 orderNumber for an order that does not exist (or is another reseller\'s)',
    async run(s) {
      const r = await post(s, [...apiLogin(s), ['orderNumber', '999999999']], '/products/!GetOrderStatus');
      expectError(r, -4, 'orderNumber');
    },
  },
];
