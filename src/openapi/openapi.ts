// The OpenAPI 3.1 document, generated from the endpoint descriptions (./endpoints.ts) and so
// from the same tables that validation reads. Served at /openapi.json and committed as
// docs/openapi.json; test/openapi checks the committed copy is what this code generates.
import { errorByCode, errorMessage } from '../errors.js';
import { NEVER_ANSWERED_BY_API, type EndpointDoc, type ParamDoc } from './endpoints.js';
import type { ItemAttrSpec } from '../place-order/parameters.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export const OPENAPI_VERSION = '3.1.0';

export interface OpenApiOptions {
  /** The API's version string (package.json version). */
  readonly version: string;
  readonly endpoints: readonly EndpointDoc[];
}

const FORM = 'application/x-www-form-urlencoded';

function paramSchema(p: ParamDoc): JsonObject {
  // Every value travels as text; integers are text of digits.
  const schema: JsonObject = { type: 'string', maxLength: p.maxLength };
  if (p.type === 'integer') schema.pattern = '^-?[0-9]+$';
  if (p.allowed) schema.enum = [...p.allowed];
  if (p.defaultValue !== undefined) schema.default = p.defaultValue;
  let description = p.description;
  if (p.requirement === 'conditional') description = `Conditional. ${description}`;
  if (p.allowed) description += ' Allowed values are compared case-insensitively.';
  if (p.aliases && p.aliases.length > 0) description += ` Also accepted as: ${p.aliases.join(', ')}.`;
  schema.description = description;
  return schema;
}

/** `N_NAME` item attributes as a pattern property (canonical spelling; matched case-insensitively). */
function itemPattern(attr: ItemAttrSpec): string {
  return `^_?[1-9][0-9]{0,5}_${attr.name}$`;
}

function itemSchema(attr: ItemAttrSpec): JsonObject {
  const schema: JsonObject = { type: 'string', maxLength: attr.maxLength };
  if (attr.type === 'integer') schema.pattern = '^-?[0-9]+$';
  if (attr.allowed) schema.enum = [...attr.allowed];
  if (attr.defaultValue !== undefined) schema.default = attr.defaultValue;
  schema.description = `Item attribute N_${attr.name} (N = item number). ${attr.description}`;
  return schema;
}

function requestSchema(e: EndpointDoc): JsonObject {
  const properties: JsonObject = {};
  for (const p of e.params) properties[p.name] = paramSchema(p);
  const schema: JsonObject = {
    type: 'object',
    properties,
    required: e.params.filter((p) => p.requirement === 'required').map((p) => p.name),
  };
  if (e.itemAttrs.length > 0) {
    const patterns: JsonObject = {};
    for (const a of e.itemAttrs) patterns[itemPattern(a)] = itemSchema(a);
    schema.patternProperties = patterns;
  }
  // Unknown names are answered with -2, so the schema is closed.
  schema.additionalProperties = false;
  return schema;
}

function errorCodeSchema(codes: readonly number[]): JsonObject {
  return {
    type: 'integer',
    description: '0 on success; otherwise one of the documented error codes. Always the first field of the answer.',
    oneOf: [
      { const: 0, title: 'Success' },
      ...codes.map((code): Json => {
        const def = errorByCode(code);
        if (!def) throw new Error(`openapi: error code ${code} is not in the catalog`);
        const note = NEVER_ANSWERED_BY_API.get(code);
        const entry: JsonObject = { const: code, title: errorMessage(def, 'xxxx', 'YYYY-MM-DD') };
        entry.description = `${def.origin === 'spec' ? 'From the spec.' : def.origin === 'reseller-api' ? 'Reseller endpoints.' : 'placeorder extension.'}${note ? ` ${note}` : ''}`;
        return entry;
      }),
    ],
  };
}

function responseSchema(e: EndpointDoc): JsonObject {
  const properties: JsonObject = { errorCode: errorCodeSchema(e.errorCodes) };
  const perItem: JsonObject = {};
  for (const f of e.success) {
    const field: JsonObject = { type: 'string', description: `On success. ${f.description}` };
    if (f.type === 'integer') field.pattern = '^-?[0-9]+$';
    // `N_PPP`-style fields repeat once per item: a pattern, not a fixed name.
    if (f.name.startsWith('N_')) perItem[`^[1-9][0-9]*_${f.name.slice(2)}$`] = field;
    else properties[f.name] = field;
  }
  properties.errorMessage = { type: 'string', maxLength: 255, description: 'On error: the catalog message with the parameter name in place of xxxx.' };
  properties.errorItem = { type: 'string', maxLength: 255, description: 'On error, when one parameter is at fault: its name.' };
  properties.requestId = { type: 'string', description: 'On -14 only: the id of the logged request, for support.' };
  const schema: JsonObject = { type: 'object', properties, required: ['errorCode'] };
  if (Object.keys(perItem).length > 0) schema.patternProperties = perItem;
  return schema;
}

function operation(e: EndpointDoc, method: 'get' | 'post'): JsonObject {
  const response: JsonObject = {
    description:
      'Every API outcome, success or error, is HTTP 200 with errorCode first. With successURL/errorURL on a registered origin the answer is a redirect (302 for GET, 303 for POST) carrying the same fields in the query string; on an origin the reseller has not registered, an HTML page with the outcome and a link.',
    headers: { 'Cache-Control': { schema: { type: 'string', const: 'no-store' } } },
    content: {
      [`${FORM}; charset=utf-8`]: { schema: { $ref: `#/components/schemas/${e.name}Answer` } },
      'text/plain; charset=utf-8': {
        schema: { type: 'string', description: 'responseFormat=0: the values alone, one a line, errorCode first.' },
      },
    },
  };
  const op: JsonObject = {
    operationId: `${e.name.charAt(0).toLowerCase()}${e.name.slice(1)}${method === 'get' ? 'Get' : ''}`,
    summary: e.summary,
    description: e.description,
    tags: [e.name === 'PlaceOrder' ? 'ordering' : e.name.startsWith('Sandbox') ? 'sandbox' : 'reseller'],
    responses: {
      '200': response,
      '302': { description: 'GET with successURL/errorURL: redirect carrying the answer fields.' },
      '303': { description: 'POST with successURL/errorURL: redirect carrying the answer fields.' },
    },
  };
  if (method === 'get') {
    op.parameters = [
      {
        name: 'parameters',
        in: 'query',
        style: 'form',
        explode: true,
        schema: { $ref: `#/components/schemas/${e.name}Request` },
      },
    ];
  } else {
    op.parameters = [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Optional (placeorder extension). A retry with the same key and the same parameters gets the first answer again and changes nothing.',
        schema: { type: 'string', maxLength: 255 },
      },
    ];
    op.requestBody = {
      required: true,
      content: { [FORM]: { schema: { $ref: `#/components/schemas/${e.name}Request` } } },
    };
  }
  return op;
}

export function buildOpenApi(options: OpenApiOptions): JsonObject {
  const paths: JsonObject = {};
  const schemas: JsonObject = {};
  for (const e of options.endpoints) {
    const item: JsonObject = {};
    for (const m of e.methods) item[m] = operation(e, m);
    paths[`/products/!${e.name}`] = item;
    schemas[`${e.name}Request`] = requestSchema(e);
    schemas[`${e.name}Answer`] = responseSchema(e);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'placeorder: !PlaceOrder for Web products',
      version: options.version,
      description:
        'Requests are application/x-www-form-urlencoded (POST body) or a query string (GET); answers are url-encoded with errorCode first. Generated from the server code; see docs/integrators.md.',
    },
    paths,
    components: { schemas },
  };
}

/** The committed file's text: stable key order as built, two-space indent, final newline. */
export function openApiText(doc: JsonObject): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
