// The request bodies of the mixed workload (bench/mixed-drive.mjs), all at reseller=Y under the
// benchmark's brand:
// - a returning customer of the pool: one-year Web DNS Pro (not an SWP product, so -73 never
//   applies however often the customer orders), or with several items two or three Web DNS Pro terms;
// - a guest (no login): an SWP tier for one year (Web Monitor, Remediate, Perform or Complete,
//   not the Partner tiers, which ask for an organization, -62), with several items plus Web DNS
//   Pro; every guest has an email address of its own, so the SWP rule (-73, per address for
//   guests) reads the history and finds nothing;
// - invalid requests, each answered with its spec error code before any password is proven;
// - !AutoAuthorize of a placed order by the reseller's API user.

const SWP_ONE_YEAR = ['9600', '9605', '9610', '9615'];
const DNS_PRO = { oneYear: '9974', ninetyDays: '9973', thirtyDays: '9971' };

/** The pool's login names: `${prefix}00042`. */
export const poolLogin = (prefix, k) => `${prefix}${String(k).padStart(5, '0')}`;

const enc = encodeURIComponent;

export function poolBody(config, k, multi) {
  const login = poolLogin(config.pool.prefix, k);
  const items = multi ? `1_PPP=${DNS_PRO.oneYear}&2_PPP=${DNS_PRO.ninetyDays}${k % 3 === 0 ? `&3_PPP=${DNS_PRO.thirtyDays}` : ''}` : `1_PPP=${DNS_PRO.oneYear}`;
  return `ap=${enc(config.ap)}&reseller=Y&isReturningCustomer=Y&loginName=${enc(login)}&loginPassword=${enc(config.pool.password)}&emailAddress=${enc(`${login}@example.com`)}&${items}`;
}

export function guestBody(config, serial, multi, rnd) {
  const tier = SWP_ONE_YEAR[Math.floor(rnd() * SWP_ONE_YEAR.length)];
  const items = multi ? `1_PPP=${tier}&2_PPP=${DNS_PRO.oneYear}` : `1_PPP=${tier}`;
  return `ap=${enc(config.ap)}&reseller=Y&name=Guest+${serial}&emailAddress=guest-${process.pid}-${serial}%40example.com&${items}`;
}

export function authorizeBody(config, orderNumber) {
  return `loginName=${enc(config.api.login)}&loginPassword=${enc(config.api.password)}&orderNumber=${orderNumber}`;
}

/** Invalid orders, one of each kind in turn, with the error code the spec's checking order gives. */
export const INVALID_KINDS = [
  { expect: '-3', body: (c) => `ap=${enc(c.ap)}&reseller=Y&name=No+Email&1_PPP=9974` },
  { expect: '-4', body: (c) => `ap=${enc(c.ap)}&reseller=X&name=Bad+Flag&emailAddress=bad-flag%40example.com&1_PPP=9974` },
  { expect: '-70', body: (c) => `ap=${enc(c.ap)}&reseller=Y&name=Bad+Email&emailAddress=not-an-email&1_PPP=9974` },
  { expect: '-65', body: (c) => `ap=${enc(c.ap)}&reseller=Y&name=Bad+Plan&emailAddress=bad-plan%40example.com&1_PPP=1234` },
  { expect: '-54', body: (c) => `ap=${enc(c.ap)}&reseller=Y&name=Two+Mains&emailAddress=two-mains%40example.com&1_PPP=9600&2_PPP=9605` },
];
