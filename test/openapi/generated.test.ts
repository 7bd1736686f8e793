// The generated files (docs/openapi.json, the client's error table) must be exactly what the
// code generates now: a change to a parameter table or the error catalog without `npm run gen`
// fails here. The document itself is checked against the tables it comes from.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/catalog/catalog.js';
import { Errors, PLACE_ORDER_PRECEDENCE } from '../../src/errors.js';
import { generatedFiles, openApiDocument } from '../../src/openapi/generate.js';
import { ITEM_ATTRS, PLACE_ORDER_PARAMS } from '../../src/place-order/parameters.js';
import { RESELLER_ENDPOINTS } from '../../src/reseller-api/parameters.js';
import { SANDBOX_ENDPOINTS } from '../../src/reseller-api/sandbox.parameters.js';

const root = new URL('../../', import.meta.url);

describe('generated files', () => {
  it.each(generatedFiles().map((f) => [f.path, f.content] as const))('%s is up to date (run `npm run gen`)', (path, content) => {
    const committed = readFileSync(new URL(path, root), 'utf8');
    expect(committed === content, `${path} is stale: run \`npm run gen\` and commit the result`).toBe(true);
  });
});

type Schema = {
  properties: Record<string, { maxLength?: number; enum?: string[]; default?: string; oneOf?: Array<{ const: number; title: string }> }>;
  required: string[];
  patternProperties?: Record<string, unknown>;
  additionalProperties?: boolean;
};

describe('the OpenAPI document', () => {
  const doc = openApiDocument(defaultCatalog(), '0.0.0-test') as unknown as {
    openapi: string;
    paths: Record<string, Record<string, { requestBody?: unknown; parameters?: Array<{ name: string; in: string }> }>>;
    components: { schemas: Record<string, Schema> };
  };
  const request = doc.components.schemas.PlaceOrderRequest!;
  const answer = doc.components.schemas.PlaceOrderAnswer!;

  it('is OpenAPI 3.1 with GET and POST for !PlaceOrder, POST taking a url-encoded body and an Idempotency-Key', () => {
    expect(doc.openapi).toBe('3.1.0');
    const item = doc.paths['/products/!PlaceOrder']!;
    expect(Object.keys(item).sort()).toEqual(['get', 'post']);
    expect(item.post!.requestBody).toMatchObject({ content: { 'application/x-www-form-urlencoded': {} } });
    expect(item.post!.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(item.get!.parameters).toContainEqual(expect.objectContaining({ in: 'query' }));
  });

  it('lists every parameter of the table with its max length, allowed values and default', () => {
    expect(Object.keys(request.properties)).toEqual(PLACE_ORDER_PARAMS.map((p) => p.name));
    for (const p of PLACE_ORDER_PARAMS) {
      const s = request.properties[p.name]!;
      expect(s.maxLength, p.name).toBe(p.maxLength);
      expect(s.enum, p.name).toEqual(p.allowed ? [...p.allowed] : undefined);
      expect(s.default, p.name).toBe(p.defaultValue);
    }
    expect(request.required).toEqual(PLACE_ORDER_PARAMS.filter((p) => p.requirement === 'required').map((p) => p.name));
    expect(request.additionalProperties).toBe(false);
  });

  it('describes every item attribute as an N_NAME pattern', () => {
    const patterns = Object.keys(request.patternProperties ?? {});
    expect(patterns).toHaveLength(ITEM_ATTRS.length);
    for (const a of ITEM_ATTRS) {
      const pattern = patterns.find((p) => p.endsWith(`_${a.name}$`));
      expect(pattern, a.name).toBeDefined();
      expect(new RegExp(pattern!).test(`1_${a.name}`)).toBe(true);
      expect(new RegExp(pattern!).test(`_12_${a.name}`)).toBe(true);
      expect(new RegExp(pattern!).test(`01_${a.name}`)).toBe(false);
    }
  });

  it('documents every errorCode of the checking order (and 0) with the catalog message', () => {
    const values = answer.properties.errorCode!.oneOf!;
    const codes = values.map((v) => v.const);
    expect(codes[0]).toBe(0);
    for (const code of PLACE_ORDER_PRECEDENCE) expect(codes).toContain(code);
    // Every code the spec's table lists for !PlaceOrder.
    for (const code of [-1, -2, -3, -4, -14, -16, -38, -39, -44, -45, -54, -56, -62, -65, -70, -73, -83, -91, -97]) {
      expect(codes).toContain(code);
    }
    expect(values.find((v) => v.const === Errors.MISSING_ARGUMENT.code)!.title).toBe("The 'xxxx' argument is missing!");
    expect(answer.required).toEqual(['errorCode']);
  });
});

describe('the reseller endpoints in the OpenAPI document', () => {
  const doc = openApiDocument(defaultCatalog(), '0.0.0-test') as unknown as {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, Schema> };
  };

  it.each(RESELLER_ENDPOINTS.map((e) => [e.name, e] as const))('!%s: POST only, its parameter table, its error codes', (name, e) => {
    expect(Object.keys(doc.paths[`/products/!${name}`]!)).toEqual(['post']);
    const request = doc.components.schemas[`${name}Request`]!;
    expect(Object.keys(request.properties)).toEqual(e.params.map((p) => p.name));
    const codes = doc.components.schemas[`${name}Answer`]!.properties.errorCode!.oneOf!.map((v) => v.const);
    expect(codes).toEqual([0, ...e.errorCodes]);
  });

  it('the sandbox endpoints are documented too', () => {
    for (const e of SANDBOX_ENDPOINTS) {
      expect(Object.keys(doc.paths[`/products/!${e.name}`]!)).toEqual(['post']);
      expect(Object.keys(doc.components.schemas[`${e.name}Request`]!.properties)).toEqual(e.params.map((p) => p.name));
    }
  });

  it('GetOrderStatus per-item fields are patterns (1_PPP, 2_licenceCode…)', () => {
    const answer = doc.components.schemas.GetOrderStatusAnswer!;
    const patterns = Object.keys(answer.patternProperties ?? {});
    expect(patterns.some((p) => new RegExp(p).test('2_licenceCode'))).toBe(true);
    expect(answer.properties.N_PPP).toBeUndefined();
  });
});
