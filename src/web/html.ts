// Auto-escaping HTML. Every page is built with the `html` tagged template: each interpolated
// value is escaped unless it is itself the output of `html` (a SafeHtml). There is no way to
// turn a plain string into SafeHtml from outside this module, so user data can never become
// markup by accident. Templates always quote attribute values, so escaping `"` and `'` is
// enough to keep a value inside its attribute.

const SAFE: unique symbol = Symbol('SafeHtml');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly text: string;
}

/** What a template may interpolate: text, numbers, nested templates, lists of them, or nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function safe(text: string): SafeHtml {
  return Object.freeze({ [SAFE]: true as const, text });
}

export function isSafeHtml(v: unknown): v is SafeHtml {
  return typeof v === 'object' && v !== null && (v as { [SAFE]?: boolean })[SAFE] === true;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for use in element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  if (isSafeHtml(value)) return value.text;
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<p>${name}</p>\`` escapes `name`. Booleans render as nothing (for `cond && html\`…\``). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return safe(out);
}

/** A complete document (the doctype cannot sit inside a template that is reused as a fragment). */
export function documentText(page: SafeHtml): string {
  return '<!doctype html>\n' + page.text;
}

/**
 * A URL for an href/src/action attribute: only same-site paths (`/…`, not `//…`) and absolute
 * http(s) URLs pass; anything else (javascript:, data:, …) becomes `#`. Escaping happens when
 * the result is interpolated.
 */
export function safeUrl(url: string): string {
  if (/^\/(?![/\\])/.test(url)) return url;
  if (/^https?:\/\//i.test(url) && !/[\s\u0000-\u001f]/.test(url)) return url;
  return '#';
}
