// The spec's own samples, which the start page shows pointed at this server. Copied from the
// published !PlaceOrder description ("Sample request", its ordering-URL example, "Integration
// example of calling PlaceOrder using an HTML <form>") so that the project never reads the spec
// at run time.

/** "Sample request": a new customer orders one-year Web DNS Pro under `reseller_brand_name`. */
export const SPEC_CURL_PARAMETERS: ReadonlyArray<readonly [string, string]> = [
  ['loginName', 'login_name'],
  ['loginPassword', 'login_password'],
  ['1_PPP', '9974'],
  // The published page shows an obfuscated address here; README.md uses this one too.
  ['emailAddress', 'john.doe@example.com'],
  ['isReturningCustomer', 'N'],
  ['forename', 'John'],
  ['surname', 'Doe'],
  ['reseller', 'Y'],
  ['ap', 'reseller_brand_name'],
];

/**
 * The URL example: a browser GET of !PlaceOrder with every parameter in the query, `reseller=y`
 * and `name` twice (the first, `Fred Bloggs`, is the one stored). The spec's address is hidden
 * behind an email-protection artefact; docs/api/place-order.md uses this one too. Kept as the
 * literal query so that the link reads exactly as the spec writes it.
 */
export const SPEC_URL_QUERY =
  'ap=resellerbrand&reseller=y&emailAddress=fred@example.com&name=Fred+Bloggs&1_PPP=9974&loginName=login_name&loginPassword=login_password&name=Fred';

/** The HTML form example: one-year Web DNS Pro, with a MAC address for item 1… */
export const SPEC_FORM_PRODUCTS: readonly number[] = [9974];

/**
 * …and the reseller's own pages to come back to. Only `myresellerbrand` registered their origin
 * (src/seed/demo.ts): it is redirected there; every other brand gets a page with the outcome and a
 * labelled link (docs/api/place-order.md, "Redirect targets the reseller has not registered").
 */
export const SPEC_FORM_REDIRECTS = {
  origin: 'http://www.mydomain.com',
  errorURL: 'http://www.mydomain.com/error_page.html',
  successURL: 'http://www.mydomain.com/success_page.html',
} as const;

/**
 * What the start page's ordering links offer: the spec's Web DNS Pro and a one-year Web Monitor
 * (the example of docs/web.md), so the ordering page shows a choice.
 */
export const START_LINK_PRODUCTS: readonly number[] = [9600, 9974];

/** The URL example as a link to `base`. */
export function specUrl(base: string, placeOrderPath: string): string {
  return `${base}${placeOrderPath}?${SPEC_URL_QUERY}`;
}

/** The curl sample as a shell command against `base`, one option a line as the spec prints it. */
export function specCurl(base: string, placeOrderPath: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    `curl --location ${quote(base + placeOrderPath)} \\`,
    `  --header 'Content-Type: application/x-www-form-urlencoded' \\`,
    ...SPEC_CURL_PARAMETERS.map(([k, v], i) => `  --data-urlencode ${quote(`${k}=${v}`)}${i < SPEC_CURL_PARAMETERS.length - 1 ? ' \\' : ''}`),
  ].join('\n');
}
