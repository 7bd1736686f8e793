// The conformance checks of !PlaceOrder: the spec's own examples and the rules of docs/api
// (RESOLUTIONS as placeorder documents them), each one request or a few, judged only by what
// comes back over HTTP (kit.ts).
import { expectError, expectOrder, expectThat, get, guest, placesOrder, post, show, type Check } from './kit.js';

export const PLACE_ORDER_CHECKS: readonly Check[] = [
  placesOrder('spec-curl-sample', "the spec's curl sample (POST, new customer, forename/surname spelled in lower case) places an order", (s) =>
    post(s, [
      ['loginName', `conf-${s.runId}`],
      ['loginPassword', 'login_password'],
      ['1_PPP', '9974'],
      ['emailAddress', `john.doe-${s.runId}@example.com`],
      ['isReturningCustomer', 'N'],
      ['forename', 'John'],
      ['surname', 'Doe'],
      ['reseller', 'Y'],
      ['ap', s.ap],
    ]),
  ),
  placesOrder('spec-url-example', "the spec's ordering URL (GET, reseller=y, name sent twice) places an order", (s) =>
    get(s, [
      ['ap', s.ap],
      ['reseller', 'y'],
      ['emailAddress', `fred-${s.runId}@example.com`],
      ['name', 'Fred Bloggs'],
      ['1_PPP', '9974'],
      ['loginName', `conf-url-${s.runId}`],
      ['loginPassword', 'login_password'],
      ['name', 'Fred'],
    ]),
  ),
  {
    id: 'answer-media-type',
    rule: 'answers are application/x-www-form-urlencoded with errorCode first',
    async run(s) {
      const r = await post(s, guest(s));
      expectOrder(r);
      expectThat(r.contentType.toLowerCase().startsWith('application/x-www-form-urlencoded'), `expected a url-encoded answer, got Content-Type ${r.contentType}`);
    },
  },
  placesOrder('percent-encoded-path', 'the endpoint answers at /products/%21PlaceOrder as well', (s) => post(s, guest(s), '/products/%21PlaceOrder')),
  placesOrder('case-insensitive-names', 'parameter names are case-insensitive (AP, EMAILADDRESS, ForeName, SURNAME)', (s) =>
    post(s, [['AP', s.ap], ['Reseller', 'Y'], ['EMAILADDRESS', `case-${s.runId}@example.com`], ['ForeName', 'Case'], ['SURNAME', 'Test'], ['1_ppp', '9974']]),
  ),
  placesOrder('underscore-item-prefix', 'item parameters may carry a leading underscore (_1_PPP)', (s) => post(s, guest(s, { '1_PPP': undefined }, [['_1_PPP', '9974']]))),
  {
    id: 'first-occurrence-wins',
    rule: 'a repeated parameter: the first occurrence wins (an invalid first emailAddress is -70)',
    async run(s) {
      expectError(await post(s, [['emailAddress', 'not-an-address'], ...guest(s)]), -70, 'emailAddress');
    },
  },
  {
    id: 'response-format-newline',
    rule: 'responseFormat=0 answers the values one a line, errorCode on the first',
    async run(s) {
      const r = await post(s, guest(s, {}, [['responseFormat', '0']]));
      const lines = r.body.split('\n');
      expectThat(r.status === 200 && lines[0] === '0' && /^[A-Za-z0-9-]+$/.test(lines[1] ?? ''), `expected "0\\n<orderNumber>…", got ${show(r)}`);
    },
  },
  {
    id: 'unrecognized-argument',
    rule: '-2 for a parameter name the API does not know, naming it',
    async run(s) {
      expectError(await post(s, guest(s, {}, [['conformanceBogus', '1']])), -2, 'conformanceBogus');
    },
  },
  {
    id: 'precedence-2-before-3',
    rule: 'checks run in the documented order: an unknown name (-2) wins over a missing ap (-3)',
    async run(s) {
      expectError(await post(s, guest(s, { ap: undefined }, [['conformanceBogus', '1']])), -2, 'conformanceBogus');
    },
  },
  {
    id: 'missing-ap',
    rule: "-3 when ap is missing, message \"The 'ap' argument is missing!\"",
    async run(s) {
      const r = await post(s, guest(s, { ap: undefined }));
      expectError(r, -3, 'ap');
      expectThat(r.fields.errorMessage === "The 'ap' argument is missing!", `expected the catalog message, got ${show(r)}`);
    },
  },
  {
    id: 'missing-email',
    rule: '-3 when emailAddress is missing (every Web product needs it)',
    async run(s) {
      expectError(await post(s, guest(s, { emailAddress: undefined })), -3, 'emailAddress');
    },
  },
  {
    id: 'missing-name',
    rule: '-3 name for a guest without name or foreName+surName',
    async run(s) {
      expectError(await post(s, guest(s, { name: undefined })), -3, 'name');
    },
  },
  {
    id: 'invalid-reseller-value',
    rule: '-4 when reseller is neither Y nor N',
    async run(s) {
      expectError(await post(s, guest(s, { reseller: 'X' })), -4, 'reseller');
    },
  },
  {
    id: 'over-length',
    rule: '-4 for a value over its maximum length (ap, 65 characters)',
    async run(s) {
      expectError(await post(s, guest(s, { ap: 'a'.repeat(65) })), -4, 'ap');
    },
  },
  {
    id: 'invalid-email',
    rule: '-70 for a malformed emailAddress',
    async run(s) {
      expectError(await post(s, guest(s, { emailAddress: 'no-at-sign.example.com' })), -70, 'emailAddress');
    },
  },
  {
    id: 'no-items',
    rule: '-39 when the order has no item',
    async run(s) {
      expectError(await post(s, guest(s, { '1_PPP': undefined })), -39);
    },
  },
  {
    id: 'item-gap',
    rule: '-39 when item numbers have a gap (1, 3)',
    async run(s) {
      expectError(await post(s, guest(s, {}, [['3_PPP', '9974']])), -39);
    },
  },
  {
    id: 'unknown-ppp',
    rule: '-65 for a PPP code that is not in the catalog',
    async run(s) {
      expectError(await post(s, guest(s, { '1_PPP': '1234' })), -65, '1_PPP');
    },
  },
  {
    id: 'not-applicable',
    rule: '-83 for a known item parameter the product does not take (1_days on Web DNS Pro)',
    async run(s) {
      expectError(await post(s, guest(s, {}, [['1_days', '30']])), -83, '1_days');
    },
  },
  {
    id: 'one-main-licence',
    rule: '-54 for two main licences (two SWP tiers) in one order',
    async run(s) {
      expectError(await post(s, guest(s, { '1_PPP': '9600' }, [['2_PPP', '9605']])), -54);
    },
  },
  {
    id: 'company-name-required',
    rule: '-62 for a Partner tier without organizationName',
    async run(s) {
      expectError(await post(s, guest(s, { '1_PPP': '9736' })), -62);
    },
  },
  {
    id: 'redirect-unregistered-origin',
    rule: 'no redirect to an errorURL outside the origins the reseller registered: the outcome is shown instead (the order is not refused for it)',
    async run(s) {
      const r = await post(s, guest(s, { emailAddress: 'not-an-email' }, [['errorURL', 'https://conformance-check.invalid/error']]));
      expectThat(r.location === null, `expected no redirect, got Location ${r.location}`);
      expectThat(r.status === 200, `expected HTTP 200, got ${show(r)}`);
      // The page carries the code as every page does; the spec's -70 is the order's own refusal.
      const code = r.fields.errorCode ?? /<meta name="placeorder-error-code" content="(-?[0-9]+)">/.exec(r.body)?.[1];
      expectThat(code === '-70', `expected the order's own refusal (-70) shown, got ${show(r)}`);
    },
  },
  {
    id: 'returning-wrong-password',
    rule: '-16 for a returning customer with a wrong password (the generic message)',
    async run(s) {
      const login = `conf-ret-${s.runId}`;
      expectOrder(await post(s, guest(s, {}, [['loginName', login], ['loginPassword', 'the-right-one'], ['isReturningCustomer', 'N']])));
      const r = await post(s, guest(s, {}, [['loginName', login], ['loginPassword', 'a-wrong-one'], ['isReturningCustomer', 'Y']]));
      expectError(r, -16);
      expectThat(
        r.fields.errorMessage === 'Incorrect login details, account is locked, password has expired or your source IP is blocked.',
        `expected the generic -16 message, got ${show(r)}`,
      );
    },
  },
  {
    id: 'unknown-login-same-answer',
    rule: '-16 for an unknown login is byte-identical to a wrong password',
    async run(s) {
      const a = await post(s, guest(s, {}, [['loginName', `conf-none-${s.runId}`], ['loginPassword', 'whatever'], ['isReturningCustomer', 'Y']]));
      expectError(a, -16);
      const login = `conf-ret2-${s.runId}`;
      await post(s, guest(s, {}, [['loginName', login], ['loginPassword', 'the-right-one'], ['isReturningCustomer', 'N']]));
      const b = await post(s, guest(s, {}, [['loginName', login], ['loginPassword', 'a-wrong-one'], ['isReturningCustomer', 'Y']]));
      expectThat(a.body === b.body, `expected identical answers, got ${JSON.stringify(a.body)} and ${JSON.stringify(b.body)}`);
    },
  },
];
