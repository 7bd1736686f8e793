// The start page for clients that do not ask for HTML (curl, scripts): the same facts as plain
// text. The first line is `errorCode=0`, which parses as a url-encoded API answer does, so a
// tool that reads one line still learns the outcome; the rest is for a person at a terminal,
// with every URL absolute so that it can be pasted as it is.
import { PLACE_ORDER_PATH } from '../ordering/ordering-links.js';
import { FUNDS_EXAMPLE, SERVICE_NAME, SERVICE_SUMMARY, type StartView } from './start.page.js';

export function startText(v: StartView): string {
  const d = v.demo;
  const places: Array<[string, string]> = [
    ['!PlaceOrder', `${v.base}${PLACE_ORDER_PATH}`],
    ['reseller console', `${v.base}/console`],
    ['customer portal', `${v.base}/account`],
    ['OpenAPI', `${v.base}/openapi.json`],
  ];
  const lines = [
    'errorCode=0',
    `${SERVICE_NAME}${d ? ` ${d.version} (demo mode)` : ''}: ${SERVICE_SUMMARY}`,
    ...(d ? [`database: ${d.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${d.database}`] : []),
    '',
    ...table(places),
    '',
    'documentation:',
    ...v.docs.map((doc) => `  ${v.base}/docs/${doc.path}`),
  ];
  if (d) {
    lines.push('', `demo resellers (every API user's password: ${d.password}):`);
    lines.push(...table(d.brands.map((b): [string, string] => [b.ap, `API user ${b.login}; ordering page ${b.orderingUrl}`])));
    lines.push(`they start without funds; before authorizing a reseller=Y order, top one up: ${FUNDS_EXAMPLE}`);
    lines.push('', "the spec's URL example against this server (a browser GET):", `  ${d.specUrl}`);
    lines.push('', "the spec's curl sample against this server:", d.curl);
    lines.push('', 'An HTML page with the spec\'s HTML form for each brand: ask for text/html (open this address in a browser).');
  }
  return lines.join('\n') + '\n';
}

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}
