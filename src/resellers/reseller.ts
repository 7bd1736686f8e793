// What the !PlaceOrder ladder needs to know about the reseller named by `ap`. Loaded by the
// route before validation so that the ladder itself stays pure (no I/O).
export interface ResellerContext {
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
}

/**
 * The origin of an absolute http(s) URL, or undefined when the text is not one. Strict on
 * purpose (redirect targets are an open-redirect risk): the scheme must be spelled out with
 * `//`, no credentials, no backslashes, whitespace or control characters anywhere.
 */
export function httpOrigin(text: string): string | undefined {
  if (!/^https?:\/\/[^/\\?#@\s]/i.test(text)) return undefined;
  if (/[\s\\\u0000-\u001f\u007f]/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
  return url.origin;
}
