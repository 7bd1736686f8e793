// The escaping renderer: user data interpolated into a template is always text, never markup.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, isSafeHtml, safeUrl } from '../../src/web/html.js';

describe('html templates', () => {
  it('escapes every interpolated string, in content and in quoted attributes', () => {
    const evil = `<script>alert(1)</script>"'&\``;
    expect(html`<p title="${evil}">${evil}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&#96;">&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;&#96;</p>',
    );
  });

  it('nests templates without escaping them twice, and renders lists and conditions', () => {
    const items = ['a<b', 'c'];
    const out = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${false}${null}${undefined}${0}`;
    expect(out.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
    expect(isSafeHtml(out)).toBe(true);
  });

  it('does not treat look-alike objects as trusted markup', () => {
    const fake = { text: '<img src=x onerror=alert(1)>' } as unknown as string;
    expect(html`${fake}`.text).toBe('[object Object]');
  });

  it('lets only same-site paths and http(s) URLs into links', () => {
    expect(safeUrl('/console/orders?x=1')).toBe('/console/orders?x=1');
    expect(safeUrl('https://shop.example/a')).toBe('https://shop.example/a');
    expect(safeUrl('javascript:alert(1)')).toBe('#');
    expect(safeUrl('//evil.example')).toBe('#');
    expect(safeUrl('/\\evil.example')).toBe('#');
    expect(safeUrl('data:text/html,x')).toBe('#');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});
