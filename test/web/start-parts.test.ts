// The start page's parts that need no server: what a database location shows, which clients get
// HTML, and the spec-like form that the console's URL builder shares with the start page.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specForm } from '../../src/web/ordering/ordering-links.js';
import { databaseLocation, prefersHtml } from '../../src/web/start/start.routes.js';

describe('databaseLocation', () => {
  it('never shows a PostgreSQL password, in the URL or its query string', () => {
    expect(databaseLocation('postgres://shop:s3cret@db.internal:5432/orders?sslmode=require&password=other', 'postgres')).toBe(
      'postgres://shop@db.internal:5432/orders',
    );
    expect(databaseLocation('postgresql://db.internal/orders', 'postgres')).toBe('postgresql://db.internal/orders');
    expect(databaseLocation('postgres://%zz:pw@host/db', 'postgres')).not.toContain('pw');
  });

  it('shows a SQLite file as an absolute path', () => {
    expect(databaseLocation('./data/placeorder.db', 'sqlite')).toBe(resolve('data/placeorder.db'));
  });
});

describe('prefersHtml', () => {
  it('is true for what browsers send, false for curl, scripts and a refused HTML', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('application/xhtml+xml')).toBe(true);
    expect(prefersHtml('TEXT/HTML; q=0.5')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0, text/plain')).toBe(false);
  });
});

describe('specForm', () => {
  it("gives the console's URL builder the same text as before it was shared", () => {
    expect(specForm({ base: 'https://h.example', ap: 'resellerbrand', reseller: 'Y', products: [9600, 9974] }).text).toBe(
      [
        '<form method="post" action="https://h.example/products/!PlaceOrder">',
        '<input type="hidden" name="ap" value="resellerbrand">',
        '<input type="hidden" name="reseller" value="y">',
        'Email Address: <input type="text" name="emailAddress">',
        '<br>Name: <input type="text" name="name">',
        '<br>Company: <input type="text" name="organizationName">',
        '<input type="hidden" name="1_PPP" value="9600">',
        '<input type="hidden" name="2_PPP" value="9974">',
        '<input type="submit" value="Place Order">',
        '</form>',
      ].join('\n'),
    );
  });

  it("is the spec's example with its redirects and MAC address, values escaped", () => {
    const form = specForm({
      base: 'http://127.0.0.1:8080',
      ap: 'my"brand',
      reseller: 'Y',
      products: [9974],
      redirects: { errorURL: 'http://www.mydomain.com/error_page.html', successURL: 'http://www.mydomain.com/success_page.html' },
      macAddress: true,
    }).text;
    expect(form).toContain('<input type="hidden" name="ap" value="my&quot;brand">\n<input type="hidden" name="reseller" value="y">\n<input type="hidden" name="errorURL" value="http://www.mydomain.com/error_page.html">\n<input type="hidden" name="successURL" value="http://www.mydomain.com/success_page.html">\nEmail Address:');
    expect(form).toContain('<input type="hidden" name="1_PPP" value="9974">\n<br>MAC Address: <input type="text" name="1_MACAddress">\n<input type="submit" value="Place Order">');
  });
});
