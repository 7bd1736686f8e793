// What the !PlaceOrder ladder needs to know about the reseller named by `ap`. Loaded once per
// request, before validation, so that the ladder itself stays pure (no I/O).
import { parseHttpUrl, type RedirectPolicy } from '../wire/redirect.js';

export interface ResellerContext extends RedirectPolicy {
  readonly id: number;
  readonly ap: string;
  /** Billing details checked by the vendor; reseller=Y orders need it (-38). */
  readonly validated: boolean;
  readonly suspended: boolean;
  readonly sandbox: boolean;
  /** PPP codes this reseller may sell; `null` means every product of the catalog. */
  readonly permittedPpp: ReadonlySet<number> | null;
  /** Normalized origins (`https://shop.example`) that successURL/errorURL may point to. */
  readonly redirectOrigins: ReadonlySet<string>;
  /** Signs the parameters appended to redirects, when the reseller set one (never logged). */
  readonly redirectSecret: string | null;
}

/** The origin of a strict absolute http(s) URL (src/wire/redirect.ts), or undefined. */
export function httpOrigin(text: string): string | undefined {
  return parseHttpUrl(text)?.origin;
}

/** `resellers.permitted_ppp`: a JSON list of PPP codes, or null for every product. */
export function permittedPppOf(json: string | null): ReadonlySet<number> | null {
  return json === null ? null : new Set<number>(JSON.parse(json) as number[]);
}
