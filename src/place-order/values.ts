// The checks and normalizations of single values that the ladder (validate.ts) applies: type,
// length in code points, allowed values, countries, addresses, MAC addresses.
import type { Plan } from '../catalog/catalog.js';
import countries from '../catalog/countries.json' with { type: 'json' };
import { present } from '../assert.js';
import { charactersAllowed, type ItemAttrSpec, type ParamSpec } from './parameters.js';
import type { Redirects } from './request.js';

const COUNTRIES = new Set<string>(countries.codes);
/** The WHATWG form-validation address syntax, plus a dot in the domain. */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

/**
 * An address we accept and send email to: the WHATWG syntax, a local part of dot-separated
 * words (no leading, trailing or double dot), and no RFC 2047 encoded-word (`=?…?=`), which a
 * mail client may decode into another recipient (outside attack on issue 17).
 */
export function emailAddressValid(address: string): boolean {
  const local = address.slice(0, address.lastIndexOf('@'));
  return EMAIL.test(address) && !address.includes('=?') && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}
const MAC48 = /^(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{12})$/;
const INTEGER = /^-?[0-9]+$/;

/** Characters as the spec counts them (code points), computed only when it can matter. */
function tooLong(value: string, max: number): boolean {
  return value.length > max && [...value].length > max;
}

/** What a parameter's value is checked against besides its table entry. */
export interface ValueContext {
  /** Whether `ap` names a reseller. */
  readonly resellerKnown: boolean;
  readonly redirects: Redirects;
}

export function validParam(spec: ParamSpec, value: string, ctx: ValueContext): boolean {
  if (tooLong(value, spec.maxLength)) return false;
  if (!charactersAllowed(spec.name, value)) return false;
  if (spec.allowed && canonicalAllowed(spec, value) === undefined) return false;
  switch (spec.name) {
    case 'ap':
      return ctx.resellerKnown;
    case 'countryName':
      return COUNTRIES.has(value.toUpperCase());
    case 'errorURL':
    case 'successURL':
      return ctx.redirects[spec.name] !== null;
    default:
      return true;
  }
}

export function validAttr(spec: ItemAttrSpec, value: string): boolean {
  if (tooLong(value, spec.maxLength)) return false;
  if (spec.type === 'integer' && !INTEGER.test(value)) return false;
  if (spec.allowed && !spec.allowed.includes(value)) return false;
  if (spec.name === 'PPP' || spec.name === 'ID') return !value.startsWith('-');
  if (spec.name === 'MACAddress') return MAC48.test(value);
  return true;
}

/** The allowed value as the table spells it, matching case-insensitively. */
export function canonicalAllowed(spec: ParamSpec, value: string): string | undefined {
  const upper = value.toUpperCase();
  return spec.allowed?.find((a) => a.toUpperCase() === upper);
}

/** A checked value as it is stored: countries upper-case, allowed values as the table spells them. */
export function normalizeParam(spec: ParamSpec, value: string): string {
  if (spec.name === 'countryName') return value.toUpperCase();
  return spec.allowed ? present(canonicalAllowed(spec, value), `a checked value of ${spec.name} is one of its allowed values`) : value;
}

/** A checked MAC address as `AA:BB:CC:DD:EE:FF`. */
export function normalizeMac(mac: string): string {
  const hex = mac.replace(/[:-]/g, '').toUpperCase();
  return present(hex.match(/../g), 'a checked MAC address has twelve hex digits').join(':');
}

export function offerApplies(appliesTo: { swp: boolean; term: string } | undefined, plan: Plan): boolean {
  return appliesTo !== undefined && plan.product.swp === appliesTo.swp && plan.term === appliesTo.term;
}
