// The spec's three examples, as written (the published text hides its example email
// addresses behind an email-protection artefact; a real address stands in their place).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { get, post, testApp, type TestApp } from '../helpers/app.js';

describe.each(DIALECTS)('spec examples (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  it('the curl sample places a reseller=Y order for a new customer', async () => {
    const res = await post(t.app, 'PlaceOrder', [
      ['loginName', 'login_name'],
      ['loginPassword', 'login_password'],
      ['1_PPP', '9974'],
      ['emailAddress', 'john.doe@example.com'],
      ['isReturningCustomer', 'N'],
      ['forename', 'John'],
      ['surname', 'Doe'],
      ['reseller', 'Y'],
      ['ap', 'reseller_brand_name'],
    ]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(res.body).toMatch(/^errorCode=0&orderNumber=\d+&totalCost=48\.99&currency=USD$/);
    const order = await t.store.db.selectFrom('orders').selectAll().where('id', '=', Number(res.answer.orderNumber)).executeTakeFirstOrThrow();
    expect(order.status).toBe('pending_authorization');
    expect(JSON.parse(order.contact_json)).toMatchObject({ foreName: 'John', surName: 'Doe' });
  });

  it('the ordering URL (GET, name sent twice: the first wins) places an order', async () => {
    const res = await get(t.app, 'PlaceOrder', [
      ['ap', 'resellerbrand'],
      ['reseller', 'y'],
      ['emailAddress', 'fred@example.com'],
      ['name', 'Fred Bloggs'],
      ['1_PPP', '9974'],
      ['loginName', 'login_name_2'],
      ['loginPassword', 'login_password'],
      ['name', 'Fred'],
    ]);
    expect(res.answer.errorCode).toBe('0');
    const order = await t.store.db.selectFrom('orders').selectAll().where('id', '=', Number(res.answer.orderNumber)).executeTakeFirstOrThrow();
    expect(JSON.parse(order.contact_json).name).toBe('Fred Bloggs');
  });

  it('the HTML form (POST, errorURL/successURL, empty MACAddress) redirects to successURL', async () => {
    const res = await post(t.app, 'PlaceOrder', {
      ap: 'myresellerbrand',
      reseller: 'y',
      errorURL: 'http://www.mydomain.com/error_page.html',
      successURL: 'http://www.mydomain.com/success_page.html',
      emailAddress: 'web@example.com',
      name: 'Web Customer',
      organizationName: 'Example Ltd',
      '1_PPP': '9974',
      '1_MACAddress': '',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(
      /^http:\/\/www\.mydomain\.com\/success_page\.html\?errorCode=0&orderNumber=\d+&totalCost=48\.99&currency=USD$/,
    );
    expect(res.answer.errorCode).toBe('0');
  });
});
