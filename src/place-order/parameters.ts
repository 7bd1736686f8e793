// The parameter tables of !PlaceOrder as one typed description: validation reads it, the docs
// table is checked against it. Order within the table is the spec's order, which is also the
// order in which -3 and -4 checks report (the first failing parameter wins).
import { present } from '../assert.js';

export type ParamType = 'string' | 'char' | 'integer';

/** What a parameter and an item attribute both declare of their value. */
interface ValueSpec<Type extends ParamType> {
  /** Canonical spelling (the spec's table); names are matched case-insensitively. */
  readonly name: string;
  readonly type: Type;
  /** In characters (Unicode code points), as the spec's table gives them. */
  readonly maxLength: number;
  /** Allowed values, compared case-insensitively; the canonical form is the one listed. */
  readonly allowed?: readonly string[];
  readonly defaultValue?: string;
  readonly description: string;
}

export interface ParamSpec extends ValueSpec<ParamType> {
  /** Other spellings of the same parameter (countryName/country). */
  readonly aliases?: readonly string[];
  readonly group: 'reseller' | 'address' | 'company' | 'personal' | 'login' | 'transport';
  readonly requirement: 'required' | 'optional' | 'conditional';
}

const p = (spec: ParamSpec): ParamSpec => Object.freeze(spec);

export const PLACE_ORDER_PARAMS: readonly ParamSpec[] = Object.freeze([
  p({ name: 'ap', group: 'reseller', requirement: 'required', type: 'string', maxLength: 64, description: 'The reseller brand name.' }),
  p({ name: 'reseller', group: 'reseller', requirement: 'required', type: 'char', maxLength: 1, allowed: ['Y', 'N'], description: 'Y: the reseller charges the customer and authorizes the order (its funds are debited). N: the vendor charges the customer.' }),
  p({ name: 'errorURL', group: 'reseller', requirement: 'optional', type: 'string', maxLength: 255, description: 'Absolute http(s) URL; the browser is redirected there on error when its origin is registered, else shown the outcome with a link to it.' }),
  p({ name: 'successURL', group: 'reseller', requirement: 'optional', type: 'string', maxLength: 255, description: 'Absolute http(s) URL; the browser is redirected there on success when its origin is registered, else shown the outcome with a link to it.' }),
  p({ name: 'region', group: 'reseller', requirement: 'optional', type: 'string', maxLength: 64, defaultValue: 'Unknown', description: 'The region of the world the order is placed from.' }),
  p({ name: 'isReturningCustomer', group: 'reseller', requirement: 'optional', type: 'char', maxLength: 1, allowed: ['Y', 'N'], description: 'Y: the customer proves loginName/loginPassword. N: a new customer account is created.' }),
  p({ name: 'product', group: 'reseller', requirement: 'optional', type: 'string', maxLength: 255, description: 'Comma-separated PPP codes for the ordering page; ignored when the request carries items.' }),
  p({ name: 'offerCode', group: 'reseller', requirement: 'optional', type: 'string', maxLength: 64, allowed: ['FREE_EV_UPGRADE', 'FREE_EV_UPGRADE_REQUIRED', 'EVSSLPREREGISTRATIONOFFER', 'FREE_HP_UPGRADE'], description: 'Special pricing. FREE_HP_UPGRADE makes a 30-day SWP term free once per account; the EV offers are not applicable to Web products.' }),
  p({ name: 'organizationName', group: 'address', requirement: 'conditional', type: 'string', maxLength: 64, description: 'The organization name; required for the Partner tiers (-62).' }),
  p({ name: 'organizationalUnitName', group: 'address', requirement: 'optional', type: 'string', maxLength: 64, description: 'The organizational unit name.' }),
  p({ name: 'postOfficeBox', group: 'address', requirement: 'optional', type: 'string', maxLength: 40, description: 'The post office box.' }),
  p({ name: 'streetAddress1', group: 'address', requirement: 'optional', type: 'string', maxLength: 128, description: 'Street address, first line.' }),
  p({ name: 'streetAddress2', group: 'address', requirement: 'optional', type: 'string', maxLength: 128, description: 'Street address, second line.' }),
  p({ name: 'streetAddress3', group: 'address', requirement: 'optional', type: 'string', maxLength: 128, description: 'Street address, third line.' }),
  p({ name: 'localityName', group: 'address', requirement: 'optional', type: 'string', maxLength: 128, description: 'City.' }),
  p({ name: 'stateOrProvinceName', group: 'address', requirement: 'optional', type: 'string', maxLength: 128, description: 'State or province.' }),
  p({ name: 'postalCode', group: 'address', requirement: 'optional', type: 'string', maxLength: 40, description: 'Postal code.' }),
  p({ name: 'countryName', aliases: ['country'], group: 'address', requirement: 'optional', type: 'string', maxLength: 2, defaultValue: 'US', description: 'ISO 3166-1 alpha-2 country code (case-insensitive; stored upper-case).' }),
  p({ name: 'dunsNumber', group: 'company', requirement: 'optional', type: 'string', maxLength: 20, description: 'Dun & Bradstreet number.' }),
  p({ name: 'companyNumber', group: 'company', requirement: 'optional', type: 'string', maxLength: 64, description: 'Company registration number.' }),
  p({ name: 'BusinessCategory', group: 'company', requirement: 'optional', type: 'char', maxLength: 1, allowed: ['b', 'c', 'd'], description: 'b: private, c: government, d: business entity.' }),
  p({ name: 'title', group: 'personal', requirement: 'optional', type: 'string', maxLength: 64, description: 'Mr, Mrs, Dr…' }),
  p({ name: 'name', group: 'personal', requirement: 'conditional', type: 'string', maxLength: 128, description: 'Full name; new customers and guests give name, or both foreName and surName.' }),
  p({ name: 'foreName', group: 'personal', requirement: 'conditional', type: 'string', maxLength: 64, description: 'First name (with surName, instead of name).' }),
  p({ name: 'surName', group: 'personal', requirement: 'conditional', type: 'string', maxLength: 64, description: 'Last name (with foreName, instead of name).' }),
  p({ name: 'emailAddress', group: 'personal', requirement: 'required', type: 'string', maxLength: 255, description: 'The customer email address; required for every Web product order.' }),
  p({ name: 'telephoneNumber', group: 'personal', requirement: 'optional', type: 'string', maxLength: 32, description: 'Telephone number.' }),
  p({ name: 'faxNumber', group: 'personal', requirement: 'optional', type: 'string', maxLength: 32, description: 'Fax number.' }),
  p({ name: 'loginName', group: 'login', requirement: 'conditional', type: 'string', maxLength: 64, description: "The customer's account name (case-sensitive); goes with loginPassword." }),
  p({ name: 'loginPassword', group: 'login', requirement: 'conditional', type: 'string', maxLength: 128, description: "The customer's account password (case-sensitive); goes with loginName." }),
  p({ name: 'licenceCode', group: 'login', requirement: 'optional', type: 'string', maxLength: 255, description: 'The licence code of an earlier order: makes this order a renewal of it.' }),
  p({ name: 'responseFormat', group: 'transport', requirement: 'optional', type: 'integer', maxLength: 1, allowed: ['0', '1'], defaultValue: '1', description: '1: url-encoded answer; 0: newline-delimited answer.' }),
]);

/** An item attribute, named as in `N_<name>`. */
export type ItemAttrSpec = ValueSpec<'integer' | 'string'>;

const a = (spec: ItemAttrSpec): ItemAttrSpec => Object.freeze(spec);

/**
 * Every item attribute the system knows. Which ones a product accepts is catalog data
 * (`itemAttributes`); a known attribute a product does not take is -83, an unknown one -2.
 */
export const ITEM_ATTRS: readonly ItemAttrSpec[] = Object.freeze([
  a({ name: 'ID', type: 'integer', maxLength: 9, description: 'A product ID. No Web product is ordered by ID: always -65.' }),
  a({ name: 'PPP', type: 'integer', maxLength: 9, description: 'The product pricing parameter (see the catalog).' }),
  a({ name: 'visibility', type: 'integer', maxLength: 2, allowed: ['-1', '0'], defaultValue: '-1', description: '-1 visible (default), 0 invisible in the control panel.' }),
  a({ name: 'days', type: 'integer', maxLength: 5, description: 'A number of days; no Web product takes it (-83).' }),
  a({ name: 'seats', type: 'integer', maxLength: 9, description: 'A quantity; no Web product takes it (-83).' }),
  a({ name: 'users', type: 'integer', maxLength: 9, description: 'A quantity; no Web product takes it (-83).' }),
  a({ name: 'servers', type: 'integer', maxLength: 9, description: 'A quantity; no Web product takes it (-83).' }),
  a({ name: 'quantity', type: 'integer', maxLength: 9, description: 'A quantity; no Web product takes it (-83).' }),
  a({ name: 'zones', type: 'integer', maxLength: 9, description: 'A quantity; no Web product takes it (-83).' }),
  a({ name: 'MACAddress', type: 'string', maxLength: 17, description: 'Web DNS Pro only: a MAC-48 address (aa:bb:cc:dd:ee:ff or with dashes).' }),
]);

/** Most items one order may carry (a limit of ours; the spec sets none). */
export const MAX_ITEMS_PER_ORDER = 10;

const paramByLower = new Map<string, ParamSpec>();
for (const spec of PLACE_ORDER_PARAMS) {
  paramByLower.set(spec.name.toLowerCase(), spec);
  for (const alias of spec.aliases ?? []) paramByLower.set(alias.toLowerCase(), spec);
}
const attrByLower = new Map(ITEM_ATTRS.map((s) => [s.name.toLowerCase(), s]));

export function paramSpec(name: string): ParamSpec | undefined {
  return paramByLower.get(name.toLowerCase());
}

/** A parameter's length limit in characters: for the pages that take the same values (sign-in). */
export function maxLengthOf(name: string): number {
  return present(paramSpec(name), `${name} is a parameter of !PlaceOrder`).maxLength;
}

export function itemAttrSpec(name: string): ItemAttrSpec | undefined {
  return attrByLower.get(name.toLowerCase());
}

/** `N_NAME` or `_N_NAME`, N a positive integer without leading zeros. */
const ITEM_NAME = /^_?([1-9][0-9]{0,5})_(.+)$/;

export function parseItemName(name: string): { no: number; attr: string } | undefined {
  const m = ITEM_NAME.exec(name);
  if (!m) return undefined;
  return { no: Number(m[1]), attr: m[2]! };
}

/**
 * Parameters of the vendor's other product families (SSL certificates). They are known to the
 * system, so on a Web product order they are -83 "not applicable", not -2 "unrecognized".
 */
export const OTHER_FAMILY_PARAMS: readonly string[] = Object.freeze([
  'csr', 'serverSoftware', 'domainNames', 'dcvEmailAddress', 'dcvMethod', 'caCertificateID',
  'prioritiseCSRValues', 'isCustomerValidated', 'showCertificateID', 'foreignOrderNumber',
]);
const otherByLower = new Map(OTHER_FAMILY_PARAMS.map((n) => [n.toLowerCase(), n]));

export function otherFamilyParam(name: string): string | undefined {
  return otherByLower.get(name.toLowerCase());
}

/** Login details: compared byte for byte, so they keep every character but NUL. */
export const LOGIN_FIELDS: ReadonlySet<string> = new Set(['loginName', 'loginPassword']);

/**
 * What no other text may hold: C0 and C1 controls, DEL, the bidirectional overrides and
 * isolates (they make a name read backwards in the console), and the non-characters U+FFFE and
 * U+FFFF (outside attack, issue 13).
 */
const FORBIDDEN_IN_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/;

/**
 * The character rule of every parameter, on every endpoint. A NUL is refused even in login
 * details: PostgreSQL cannot hold one, and it cannot be part of a login anyone chose.
 */
export function charactersAllowed(name: string, value: string): boolean {
  return LOGIN_FIELDS.has(name) ? !value.includes('\u0000') : !FORBIDDEN_IN_TEXT.test(value);
}
