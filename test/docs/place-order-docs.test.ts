// docs/api/place-order.md is a contract too: every curl example in it is sent to the real
// server (in process, the demo data of `npm start`) on both dialects and must get exactly the
// answer shown; its tables must list exactly the parameters, item attributes, error codes,
// checking order and pricing codes of the code. (Convention: test/docs/markdown-examples.ts.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/catalog/catalog.js';
import { Errors, PLACE_ORDER_PRECEDENCE, PlaceOrderError, errorByCode } from '../../src/errors.js';
import { ITEM_ATTRS, OTHER_FAMILY_PARAMS, PLACE_ORDER_PARAMS } from '../../src/place-order/parameters.js';
import { errorFields, unknownErrorFields } from '../../src/wire/answer.js';
import { encodeUrlEncoded } from '../../src/wire/form.js';
import { DIALECTS } from '../helpers/dialects.js';
import { testApp, type TestApp } from '../helpers/app.js';
import { expectedPattern, extractExamples, parseCurl, shellWords, tableUnder, type DocExample } from './markdown-examples.js';

const DOC_PATH = fileURLToPath(new URL('../../docs/api/place-order.md', import.meta.url));
const doc = readFileSync(DOC_PATH, 'utf8');
const examples = extractExamples(doc);

describe('the docs example convention', () => {
  it('finds the examples, and refuses a curl block without an answer block', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
    expect(() => extractExamples("```sh\ncurl 'http://x/'\n```\nprose\n```text\nHTTP/1.1 200 OK\n\nx\n```\n")).toThrow(/followed directly/);
  });

  it('reads curl the way curl sends it', () => {
    expect(shellWords(`curl -s 'a b' "c\\"d" \\\n e`)).toEqual(['curl', '-s', 'a b', 'c"d', 'e']);
    const post = parseCurl(`curl 'http://127.0.0.1:8080/products/!PlaceOrder?x=1' --data-urlencode 'name=Jo Doe!' -d 'a=%20'`);
    expect(post).toEqual({
      method: 'POST',
      url: '/products/!PlaceOrder?x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Jo%20Doe%21&a=%20',
    });
    const get = parseCurl(`curl -G 'http://127.0.0.1:8080/p' --data-urlencode 'q=a&b'`);
    expect(get).toMatchObject({ method: 'GET', url: '/p?q=a%26b', body: undefined });
    expect(() => parseCurl(`curl --location 'http://x/'`)).toThrow(/not supported/);
  });
});

describe.each(DIALECTS)('docs/api/place-order.md examples (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(dialect);
  });
  afterAll(() => t.close());

  // In document order: later examples rely on the accounts earlier ones created.
  it.each(examples.map((e): [string, DocExample] => [`line ${e.line} (${e.heading})`, e]))(
    'the example at %s gets the answer shown',
    async (_label, example) => {
      const res = await t.app.inject({
        method: example.request.method,
        url: example.request.url,
        headers: example.request.headers,
        ...(example.request.body !== undefined ? { payload: example.request.body } : {}),
      });
      const where = `docs/api/place-order.md:${example.line}`;
      expect(res.statusCode, `${where} status`).toBe(example.answer.status);
      for (const [name, value] of example.answer.headers) {
        expect(String(res.headers[name] ?? ''), `${where} header ${name}`).toMatch(expectedPattern(value));
      }
      expect(res.body, `${where} body`).toMatch(expectedPattern(example.answer.body));
    },
  );
});

describe('docs/api/place-order.md tables match the code', () => {
  it('the parameter table lists exactly PLACE_ORDER_PARAMS: names, aliases, requirement, type, max length, allowed values, defaults', () => {
    const rows = tableUnder(doc, 'Request parameters');
    const documented = rows.map((r) => ({
      name: r[0],
      aliases: r[1] ? r[1].split(',').map((s) => s.trim()) : [],
      requirement: r[2],
      type: r[3],
      maxLength: Number(r[4]),
      allowed: r[5] ? r[5].split(',').map((s) => s.trim()) : [],
      defaultValue: r[6] || undefined,
    }));
    const expected = PLACE_ORDER_PARAMS.map((s) => ({
      name: s.name,
      aliases: [...(s.aliases ?? [])],
      requirement: s.requirement,
      type: s.type,
      maxLength: s.maxLength,
      allowed: [...(s.allowed ?? [])],
      defaultValue: s.defaultValue,
    }));
    expect(documented).toEqual(expected);
  });

  it('the item table lists exactly ITEM_ATTRS', () => {
    const rows = tableUnder(doc, 'Item parameters');
    expect(
      rows.map((r) => ({
        name: r[0]!.replace(/^N_/, ''),
        type: r[1],
        maxLength: Number(r[2]),
        allowed: r[3] ? r[3].split(',').map((s) => s.trim()) : [],
        defaultValue: r[4] || undefined,
      })),
    ).toEqual(
      ITEM_ATTRS.map((s) => ({
        name: s.name,
        type: s.type,
        maxLength: s.maxLength,
        allowed: [...(s.allowed ?? [])],
        defaultValue: s.defaultValue,
      })),
    );
  });

  it('names every parameter of the other product families', () => {
    for (const name of OTHER_FAMILY_PARAMS) expect(doc).toContain(`\`${name}\``);
  });

  it('the error table lists exactly the codes and messages of src/errors.ts, with the bodies the code produces', () => {
    const rows = tableUnder(doc, 'Error codes');
    expect(rows.map((r) => Number(r[0]))).toEqual(
      Object.values(Errors)
        .map((e) => e.code)
        .sort((a, b) => b - a),
    );
    for (const [code, message, body] of rows) {
      const def = errorByCode(Number(code))!;
      expect(message, `message of ${code}`).toBe(def.template);
      const answer = Object.fromEntries(new URLSearchParams(body));
      const produced =
        def === Errors.UNKNOWN_ERROR
          ? unknownErrorFields(answer.requestId!)
          : errorFields(new PlaceOrderError(def, answer.errorItem, /\d{4}-\d{2}-\d{2}/.exec(answer.errorMessage ?? '')?.[0]));
      expect(body, `example answer of ${code}`).toBe(encodeUrlEncoded(produced));
    }
  });

  it('the checking order is PLACE_ORDER_PRECEDENCE', () => {
    const section = doc.slice(doc.indexOf('## Checking order'), doc.indexOf('## Error codes'));
    const listed = [...section.matchAll(/^\d+\. `(-\d+)`/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual([...PLACE_ORDER_PRECEDENCE]);
  });

  it('the products table carries every pricing code of the catalog under its product and term', () => {
    const terms = ['30d', '45d', '90d', '1y', '2y', '3y', '4y', '5y'];
    const rows = tableUnder(doc, 'Products');
    const documented = new Map<number, string>();
    for (const r of rows) {
      terms.forEach((term, i) => {
        const cell = r[4 + i];
        if (cell) documented.set(Number(cell), `${r[0]} ${term}`);
      });
    }
    const catalog = defaultCatalog();
    const expected = new Map<number, string>();
    for (const p of catalog.products) for (const plan of p.plans) expected.set(plan.ppp, `${p.name} ${plan.term}`);
    expect(documented).toEqual(expected);
    for (const r of rows) {
      const product = catalog.products.find((p) => p.name === r[0])!;
      expect([r[1], r[2]], r[0]).toEqual([product.mainLicence ? 'yes' : 'no', product.swp ? 'yes' : 'no']);
    }
  });
});
