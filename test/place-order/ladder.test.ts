// The !PlaceOrder checking ladder: every error code with its exact body, the checking order,
// case-insensitive names, item numbering, first-wins duplicates and the product rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Errors, PLACE_ORDER_PRECEDENCE, errorMessage, type ErrorDef } from '../../src/errors.js';
import { DIALECTS } from '../helpers/dialects.js';
import { get, guestOrder, post, testApp, type Params, type TestApp } from '../helpers/app.js';

/** The exact url-encoded error body the server must produce. */
function errorBody(def: ErrorDef, item?: string): string {
  const parts = [`errorCode=${def.code}`, `errorMessage=${encodeURIComponent(errorMessage(def, item))}`];
  if (item !== undefined) parts.push(`errorItem=${encodeURIComponent(item)}`);
  return parts.join('&');
}

describe.each(DIALECTS)('!PlaceOrder ladder (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
    // A reseller without validated billing details, and one that is suspended.
    const { createReseller } = await import('../../src/resellers/resellers.service.js');
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'unvalidated', login: 'unvalidated-api', password: 'password-1', validated: false, redirectOrigins: [],
    });
    const suspended = await createReseller(t.store, t.hasher, t.clock, {
      ap: 'suspended', login: 'suspended-api', password: 'password-1', validated: true, redirectOrigins: [],
    });
    await createReseller(t.store, t.hasher, t.clock, {
      ap: 'dnsonly', login: 'dnsonly-api', password: 'password-1', validated: true, redirectOrigins: [],
      permittedPpp: [9974],
    });
    await t.store.write((tx) => tx.updateTable('resellers').set({ suspended: 1 }).where('id', '=', suspended).execute());
  });
  afterAll(() => t.close());

  const place = (params: Params) => post(t.app, 'PlaceOrder', params);

  // One case per error code this issue produces (the account rules come with the lifecycle).
  const cases: Array<[string, Params, ErrorDef, string | undefined]> = [
    ['-2 an unknown parameter', guestOrder({ colour: 'blue' }), Errors.UNRECOGNIZED_ARGUMENT, 'colour'],
    ['-2 item number 0', guestOrder({ '0_PPP': '9974' }), Errors.UNRECOGNIZED_ARGUMENT, '0_PPP'],
    ['-2 an unknown item attribute', guestOrder({ '1_colour': 'blue' }), Errors.UNRECOGNIZED_ARGUMENT, '1_colour'],
    ['-3 ap missing', omit(guestOrder(), 'ap'), Errors.MISSING_ARGUMENT, 'ap'],
    ['-3 ap empty', guestOrder({ ap: '' }), Errors.MISSING_ARGUMENT, 'ap'],
    ['-3 reseller missing', omit(guestOrder(), 'reseller'), Errors.MISSING_ARGUMENT, 'reseller'],
    ['-3 name missing', omit(guestOrder(), 'name'), Errors.MISSING_ARGUMENT, 'name'],
    ['-3 surName missing beside foreName', guestOrder({ name: '', foreName: 'Ann' }), Errors.MISSING_ARGUMENT, 'surName'],
    ['-3 emailAddress missing', omit(guestOrder(), 'emailAddress'), Errors.MISSING_ARGUMENT, 'emailAddress'],
    ['-3 loginName missing for a returning customer', guestOrder({ isReturningCustomer: 'Y' }), Errors.MISSING_ARGUMENT, 'loginName'],
    ['-3 loginPassword missing', guestOrder({ loginName: 'someone' }), Errors.MISSING_ARGUMENT, 'loginPassword'],
    ['-3 loginName missing beside a password', guestOrder({ loginPassword: 'pw-123456' }), Errors.MISSING_ARGUMENT, 'loginName'],
    ['-3 an item without PPP or ID', guestOrder({ '2_visibility': '0' }), Errors.MISSING_ARGUMENT, '2_PPP'],
    ['-4 reseller not Y/N', guestOrder({ reseller: 'X' }), Errors.INVALID_VALUE, 'reseller'],
    ['-4 unknown brand', guestOrder({ ap: 'nobody' }), Errors.INVALID_VALUE, 'ap'],
    ['-4 country not ISO 3166', guestOrder({ country: 'ZZ' }), Errors.INVALID_VALUE, 'countryName'],
    ['-4 BusinessCategory', guestOrder({ BusinessCategory: 'x' }), Errors.INVALID_VALUE, 'BusinessCategory'],
    ['-4 isReturningCustomer', guestOrder({ isReturningCustomer: 'maybe' }), Errors.INVALID_VALUE, 'isReturningCustomer'],
    ['-4 offerCode not in the list', guestOrder({ offerCode: 'HALF_PRICE' }), Errors.INVALID_VALUE, 'offerCode'],
    ['-4 responseFormat', guestOrder({ responseFormat: '2' }), Errors.INVALID_VALUE, 'responseFormat'],
    ['-4 a control character', guestOrder({ name: 'Ann\nLee' }), Errors.INVALID_VALUE, 'name'],
    ['-4 PPP not an integer', guestOrder({ '1_PPP': '99x4' }), Errors.INVALID_VALUE, '1_PPP'],
    ['-4 negative PPP', guestOrder({ '1_PPP': '-9974' }), Errors.INVALID_VALUE, '1_PPP'],
    ['-4 visibility', guestOrder({ '1_visibility': '1' }), Errors.INVALID_VALUE, '1_visibility'],
    ['-4 MAC address', guestOrder({ '1_MACAddress': '00:11:22:33:44' }), Errors.INVALID_VALUE, '1_MACAddress'],
    ['-4 successURL not absolute', guestOrder({ successURL: '/thanks' }), Errors.INVALID_VALUE, 'successURL'],
    ['-4 errorURL that is no absolute http(s) URL', guestOrder({ errorURL: 'javascript:alert(1)' }), Errors.INVALID_VALUE, 'errorURL'],
    ['-4 too many items', { ...guestOrder(), ...items(11, '9974') }, Errors.INVALID_VALUE, '11_PPP'],
    ['-70 invalid email', guestOrder({ emailAddress: 'john.doe.example.com' }), Errors.INVALID_EMAIL, 'emailAddress'],
    ['-70 email without a dotted domain', guestOrder({ emailAddress: 'john@localhost' }), Errors.INVALID_EMAIL, 'emailAddress'],
    // Outside attack on issue 17: an encoded-word a mail client may decode into another recipient.
    ['-70 email with an RFC 2047 encoded-word', guestOrder({ emailAddress: '=?utf-8?q?b=40evil.com=2C?=@x.com' }), Errors.INVALID_EMAIL, 'emailAddress'],
    ['-70 email with a double dot', guestOrder({ emailAddress: 'a..b@x.com' }), Errors.INVALID_EMAIL, 'emailAddress'],
    ['-39 no item', omit(guestOrder(), '1_PPP'), Errors.ITEM_MISSING, undefined],
    ['-39 a gap in item numbers', guestOrder({ '3_PPP': '9600' }), Errors.ITEM_MISSING, undefined],
    ['-39 items not starting at 1', { ...omit(guestOrder(), '1_PPP'), '2_PPP': '9974' }, Errors.ITEM_MISSING, undefined],
    ['-65 unknown PPP', guestOrder({ '1_PPP': '1234' }), Errors.PLAN_NOT_FOUND, '1_PPP'],
    ['-65 an ID (no Web product has one)', { ...omit(guestOrder(), '1_PPP'), '1_ID': '42' }, Errors.PLAN_NOT_FOUND, '1_ID'],
    ['-83 days on a Web product', guestOrder({ '1_days': '30' }), Errors.NOT_APPLICABLE, '1_days'],
    ['-83 a quantity on a Web product', guestOrder({ '1_seats': '3' }), Errors.NOT_APPLICABLE, '1_seats'],
    ['-83 MACAddress on Web Monitor', guestOrder({ '1_PPP': '9600', '1_MACAddress': '00:11:22:33:44:55' }), Errors.NOT_APPLICABLE, '1_MACAddress'],
    ['-83 an SSL parameter', guestOrder({ csr: 'x' }), Errors.NOT_APPLICABLE, 'csr'],
    ['-83 an EV offer', guestOrder({ offerCode: 'FREE_EV_UPGRADE' }), Errors.NOT_APPLICABLE, 'offerCode'],
    ['-83 FREE_HP_UPGRADE without a 30-day SWP term', guestOrder({ offerCode: 'FREE_HP_UPGRADE' }), Errors.NOT_APPLICABLE, 'offerCode'],
    ['-83 a renewal of two items', guestOrder({ '2_PPP': '9600', licenceCode: 'ABC' }), Errors.NOT_APPLICABLE, 'licenceCode'],
    ['-54 two main licences', guestOrder({ '1_PPP': '9600', '2_PPP': '9605' }), Errors.ONE_MAIN_LICENCE, '2_PPP'],
    ['-62 a Partner tier without company', guestOrder({ '1_PPP': '9720' }), Errors.COMPANY_NAME_MISSING, 'organizationName'],
    ['-91 a suspended reseller', guestOrder({ ap: 'suspended' }), Errors.PERMISSION_DENIED, 'ap'],
    ['-91 a product the reseller may not sell', guestOrder({ ap: 'dnsonly', '2_PPP': '9600' }), Errors.PERMISSION_DENIED, '2_PPP'],
    ['-38 reseller=Y without validated details', guestOrder({ ap: 'unvalidated' }), Errors.RESELLER_DETAILS_MISSING, 'reseller'],
  ];

  it.each(cases)('%s', async (_name, params, def, item) => {
    const res = await place(params);
    expect(res.status).toBe(200);
    expect(res.body).toBe(errorBody(def, item));
  });

  it('-38 does not apply to reseller=N orders of an unvalidated reseller', async () => {
    expect((await place(guestOrder({ ap: 'unvalidated', reseller: 'N' }))).answer.errorCode).toBe('0');
  });

  it('-16 for a returning customer with a wrong password, and for an unknown one, identically', async () => {
    expect((await place(guestOrder({ loginName: 'ann', loginPassword: 'right-password' }))).answer.errorCode).toBe('0');
    const wrong = await place(guestOrder({ loginName: 'ann', loginPassword: 'wrong-password', isReturningCustomer: 'Y' }));
    const unknown = await place(guestOrder({ loginName: 'nobody-here', loginPassword: 'x-password', isReturningCustomer: 'Y' }));
    const takenName = await place(guestOrder({ loginName: 'ann', loginPassword: 'other-password', isReturningCustomer: 'N' }));
    expect(wrong.body).toBe(errorBody(Errors.LOGIN_FAILED));
    expect(unknown.body).toBe(wrong.body);
    expect(takenName.body).toBe(wrong.body);
  });

  it('the checking order: the earliest failing check wins', async () => {
    const combos: Array<[Params, number]> = [
      [guestOrder({ colour: 'x', ap: '' }), -2],
      [guestOrder({ ap: '', country: 'ZZ' }), -3],
      [guestOrder({ country: 'ZZ', emailAddress: 'bad' }), -4],
      [guestOrder({ emailAddress: 'bad', '3_PPP': '9600' }), -70],
      [guestOrder({ '1_PPP': '1', '3_PPP': '9600' }), -39],
      [guestOrder({ '1_PPP': '1', '1_days': '3' }), -65],
      [guestOrder({ '1_PPP': '9600', '1_days': '3', '2_PPP': '9605' }), -83],
      [guestOrder({ '1_PPP': '9720', '2_PPP': '9605' }), -54],
      [guestOrder({ '1_PPP': '9720', ap: 'suspended' }), -62],
      [guestOrder({ ap: 'suspended', reseller: 'Y' }), -91],
      [guestOrder({ ap: 'unvalidated', loginName: 'ann', loginPassword: 'bad-password', isReturningCustomer: 'Y' }), -38],
    ];
    for (const [params, code] of combos) {
      const res = await place(params);
      expect(res.answer.errorCode, JSON.stringify(params)).toBe(String(code));
    }
    // Every code above appears in the documented precedence, in this order.
    const order = combos.map(([, code]) => PLACE_ORDER_PRECEDENCE.indexOf(code));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('names are case-insensitive, items may carry a leading underscore, Y/N any case', async () => {
    const res = await place({
      AP: 'resellerbrand', RESELLER: 'y', EmailAddress: 'case@example.com', FORENAME: 'Ann', surname: 'Lee',
      _1_ppp: '9600', COUNTRY: 'gb', businesscategory: 'B',
    });
    expect(res.answer.errorCode).toBe('0');
    const order = await orderRow(res.answer.orderNumber!);
    expect(JSON.parse(order.contact_json)).toMatchObject({ foreName: 'Ann', surName: 'Lee', countryName: 'GB', BusinessCategory: 'b' });
    const item = await t.store.db.selectFrom('order_items').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(item.ppp).toBe(9600);
  });

  it('duplicates: the first occurrence wins, across spellings and underscore forms', async () => {
    const res = await place([
      ['ap', 'resellerbrand'], ['reseller', 'Y'], ['emailAddress', 'first@example.com'], ['name', 'First'],
      ['_1_PPP', '9974'], ['1_PPP', 'not-a-number'], ['EMAILADDRESS', 'not-an-email'], ['countryName', 'DE'], ['country', 'XX'],
    ]);
    expect(res.answer.errorCode).toBe('0');
    const order = await orderRow(res.answer.orderNumber!);
    expect(order.email_address).toBe('first@example.com');
    expect(JSON.parse(order.contact_json)).toMatchObject({ name: 'First', countryName: 'DE' });
  });

  it('defaults: region Unknown, country US, visibility -1', async () => {
    const res = await place(guestOrder());
    const order = await orderRow(res.answer.orderNumber!);
    expect(order.region).toBe('Unknown');
    expect(JSON.parse(order.contact_json).countryName).toBe('US');
    const item = await t.store.db.selectFrom('order_items').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(item.visibility).toBe(-1);
  });

  it('multi-item orders: a main licence beside Web DNS Pro and One Time Remediate', async () => {
    const res = await place(guestOrder({ '1_PPP': '9615', '2_PPP': '9974', '3_PPP': '9892', '2_MACAddress': '00-1a-2B-3c-4D-5e' }));
    expect(res.answer.errorCode).toBe('0');
    const rows = await t.store.db.selectFrom('order_items').selectAll().where('order_id', '=', Number(res.answer.orderNumber)).orderBy('item_no').execute();
    expect(rows.map((r) => r.ppp)).toEqual([9615, 9974, 9892]);
    expect(rows[1]!.mac_address).toBe('00:1A:2B:3C:4D:5E');
    const total = rows.reduce((s, r) => s + r.price_cents, 0);
    expect(res.answer.totalCost).toBe((total / 100).toFixed(2));
  });

  it('FREE_HP_UPGRADE makes a 30-day SWP term free', async () => {
    const res = await place(guestOrder({ '1_PPP': '9675', offerCode: 'free_hp_upgrade', emailAddress: 'free@example.com' }));
    expect(res.body).toMatch(/^errorCode=0&orderNumber=\d+&totalCost=0\.00&currency=USD$/);
  });

  it('order statuses: reseller=Y pending, reseller=N paid awaiting payment, reseller=N free active', async () => {
    const y = await place(guestOrder());
    const nPaid = await place(guestOrder({ reseller: 'N' }));
    // A plan the operator prices at 0.00 (a free offer needs reseller=Y: see below).
    const { setPriceOverride } = await import('../../src/orders/orders.repository.js');
    await t.store.write((tx) => setPriceOverride(tx, 9676, 0, t.clock.now().toISOString()));
    const nFree = await place(guestOrder({ reseller: 'N', '1_PPP': '9676', emailAddress: 'free2@example.com' }));
    await t.store.write((tx) => tx.deleteFrom('price_overrides').where('ppp', '=', 9676).execute());
    expect(nFree.answer.totalCost).toBe('0.00');
    expect((await orderRow(y.answer.orderNumber!)).status).toBe('pending_authorization');
    expect((await orderRow(nPaid.answer.orderNumber!)).status).toBe('awaiting_payment');
    expect((await orderRow(nFree.answer.orderNumber!)).status).toBe('active');
  });

  it('a free offer is the reseller\'s to give: FREE_HP_UPGRADE with reseller=N is -83 offerCode (issue 13, finding 10)', async () => {
    const free = { '1_PPP': '9676', offerCode: 'FREE_HP_UPGRADE' };
    const n = await place(guestOrder({ ...free, reseller: 'N', emailAddress: 'free-n@example.com' }));
    expect(n.answer).toMatchObject({ errorCode: '-83', errorItem: 'offerCode' });
    const y = await place(guestOrder({ ...free, reseller: 'Y', emailAddress: 'free-y@example.com' }));
    expect(y.answer).toMatchObject({ errorCode: '0', totalCost: '0.00' });
    expect((await orderRow(y.answer.orderNumber!)).status).toBe('pending_authorization');
  });

  it('a new customer is created with an argon2id hash; returning details replace the stored ones', async () => {
    const first = await place(guestOrder({ loginName: 'Bea', loginPassword: 'Secret-123', localityName: 'Leeds' }));
    expect(first.answer.errorCode).toBe('0');
    const customer = await t.store.db.selectFrom('customers').selectAll().where('login_name', '=', 'Bea').executeTakeFirstOrThrow();
    expect(customer.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(customer.password_hash).not.toContain('Secret-123');
    // The login name is case-sensitive: "bea" is somebody else.
    const other = await place(guestOrder({ loginName: 'bea', loginPassword: 'Secret-123', isReturningCustomer: 'Y' }));
    expect(other.answer.errorCode).toBe('-16');
    const again = await place({ ...omit(guestOrder(), 'name'), loginName: 'Bea', loginPassword: 'Secret-123', isReturningCustomer: 'Y', localityName: 'York' });
    expect(again.answer.errorCode).toBe('0');
    // A retried "new customer" request with the same credentials is treated as returning.
    const retried = await place(guestOrder({ loginName: 'Bea', loginPassword: 'Secret-123', isReturningCustomer: 'N' }));
    expect(retried.answer.errorCode).toBe('0');
    const after = await t.store.db.selectFrom('customers').selectAll().where('login_name', '=', 'Bea').executeTakeFirstOrThrow();
    // Supplied details replace the stored ones field by field; details not sent are kept
    // (the returning order sent no name, the retried one no locality).
    expect(JSON.parse(after.details_json)).toMatchObject({ localityName: 'York', name: 'Guest Person', countryName: 'US' });
    const moved = await place({ ...omit(guestOrder(), 'name'), loginName: 'Bea', loginPassword: 'Secret-123', isReturningCustomer: 'Y', country: 'FR' });
    expect(moved.answer.errorCode).toBe('0');
    const afterMove = await t.store.db.selectFrom('customers').selectAll().where('login_name', '=', 'Bea').executeTakeFirstOrThrow();
    expect(JSON.parse(afterMove.details_json)).toMatchObject({ localityName: 'York', name: 'Guest Person', countryName: 'FR' });
    const orders = await t.store.db.selectFrom('orders').select('customer_id').where('customer_id', '=', customer.id).execute();
    expect(orders).toHaveLength(4);
  });

  it('a guest order stores its contact details and touches no account', async () => {
    const before = await t.store.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await place(guestOrder({ emailAddress: 'Guest.Two@Example.com', telephoneNumber: '+44 1 234' }));
    const order = await orderRow(res.answer.orderNumber!);
    expect(order.customer_id).toBeNull();
    expect(order.email_key).toBe('guest.two@example.com');
    expect(JSON.parse(order.contact_json)).toMatchObject({ telephoneNumber: '+44 1 234', emailAddress: 'Guest.Two@Example.com' });
    const after = await t.store.db.selectFrom('customers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('an audit record of the request is written with every credential removed', async () => {
    const res = await place(guestOrder({ loginName: 'audited', loginPassword: 'Audit-Secret-9' }));
    const audit = await t.store.db.selectFrom('audit_log').selectAll().where('order_id', '=', Number(res.answer.orderNumber)).executeTakeFirstOrThrow();
    expect(audit.kind).toBe('place_order');
    const params = JSON.parse(audit.params_json);
    expect(params.loginName).toBe('audited');
    expect(params.loginPassword).toBe('[removed]');
    expect(audit.params_json).not.toContain('Audit-Secret-9');
  });

  it('order numbers are unique increasing integers', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 5; i++) numbers.push(Number((await place(guestOrder())).answer.orderNumber));
    expect(new Set(numbers).size).toBe(5);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers.every(Number.isSafeInteger)).toBe(true);
  });

  it('GET works like POST, with the ! percent-encoded too', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/products/%21PlaceOrder?${new URLSearchParams(guestOrder())}` });
    expect(res.body).toMatch(/^errorCode=0&orderNumber=\d+/);
    const viaGet = await get(t.app, 'PlaceOrder', guestOrder());
    expect(viaGet.answer.errorCode).toBe('0');
  });

  it('POST merges query-string parameters (query first, so its values win)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/products/!PlaceOrder?ap=resellerbrand&reseller=Y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'emailAddress=q%40example.com&name=Q&1_PPP=9974&ap=unknown-brand',
    });
    expect(res.body).toMatch(/^errorCode=0&/);
  });

  async function orderRow(orderNumber: string) {
    return t.store.db.selectFrom('orders').selectAll().where('id', '=', Number(orderNumber)).executeTakeFirstOrThrow();
  }
});

function omit(params: Record<string, string>, ...names: string[]): Record<string, string> {
  const out = { ...params };
  for (const n of names) delete out[n];
  return out;
}

function items(count: number, ppp: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= count; i++) out[`${i}_PPP`] = ppp;
  return out;
}
