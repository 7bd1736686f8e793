// One answer per request (issue 13): the value that is sent — status, media type, Location and
// body — computed whole, in one place, before it is sent, and before anything is committed
// where an order depends on it. Idempotency stores and replays this value; nothing parses a
// body back. Formats: url-encoded body (default), newline body (responseFormat=0), or a
// redirect carrying the same parameters. errorCode is always present and always first.
import type { FastifyReply } from 'fastify';
import { Errors, errorMessage, type ErrorDef, type PlaceOrderError } from '../errors.js';
import { formatCents } from '../money.js';
import { encodeNewline, encodeUrlEncoded, type AnswerFields } from './form.js';
import { redirectLocation, type RedirectTarget } from './redirect.js';

export type ResponseFormat = 0 | 1;

export const URL_ENCODED = 'application/x-www-form-urlencoded; charset=utf-8';
const NEWLINE = 'text/plain; charset=utf-8';

/** A complete answer, as sent and as an Idempotency-Key replays it. */
export interface Answer {
  readonly errorCode: number;
  readonly status: number;
  readonly contentType: string;
  /** Printable ASCII (src/wire/redirect.ts), so that setting the header cannot throw. */
  readonly location: string | undefined;
  readonly body: string;
  /** Headers of its own: a page's security headers and its X-Placeorder-Error-Code. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AnswerOptions {
  readonly format?: ResponseFormat;
  /** Turns the answer into a redirect: 303 after a POST, the classic 302 after a GET. */
  readonly redirect?: RedirectTarget | undefined;
  readonly method?: string;
  /** HTTP status when not a redirect; 200 for every API outcome. */
  readonly status?: number;
}

/** The answer of `fields` (errorCode first) in the requested format. */
export function answerOf(fields: AnswerFields, opts: AnswerOptions = {}): Answer {
  const [name, code] = fields[0] ?? [];
  if (name !== 'errorCode' || typeof code !== 'number') throw new Error('assertion: an answer starts with a numeric errorCode');
  const urlEncoded = encodeUrlEncoded(fields);
  if (opts.redirect !== undefined) {
    if (!opts.redirect.registered) throw new Error('assertion: only a registered target is a redirect (src/web/redirect-page.ts shows the others)');
    return {
      errorCode: code,
      status: opts.method === 'POST' ? 303 : 302,
      contentType: URL_ENCODED,
      location: redirectLocation(opts.redirect, urlEncoded),
      body: urlEncoded,
    };
  }
  const status = opts.status ?? 200;
  if (opts.format === 0) return { errorCode: code, status, contentType: NEWLINE, location: undefined, body: encodeNewline(fields) };
  return { errorCode: code, status, contentType: URL_ENCODED, location: undefined, body: urlEncoded };
}

/** errorCode, errorMessage, errorItem — the spec's order. Texts longer than 255 are cut. */
export function errorFields(error: PlaceOrderError | { def: ErrorDef; item?: string | undefined; message: string }): AnswerFields {
  return [
    ['errorCode', error.def.code],
    ['errorMessage', clip(error.message)],
    ['errorItem', error.item === undefined ? undefined : clip(error.item)],
  ];
}

/** A placed order's answer: errorCode, orderNumber, totalCost, currency — the documented order. */
export function placedOrderFields(order: { orderNumber: number; totalCents: number; currency: string }): AnswerFields {
  return [
    ['errorCode', 0],
    ['orderNumber', order.orderNumber],
    ['totalCost', formatCents(order.totalCents)],
    ['currency', order.currency],
  ];
}

export function unknownErrorFields(requestId: string): AnswerFields {
  return [
    ['errorCode', Errors.UNKNOWN_ERROR.code],
    ['errorMessage', errorMessage(Errors.UNKNOWN_ERROR)],
    ['requestId', requestId],
  ];
}

function clip(text: string): string {
  const chars = [...text];
  return chars.length <= 255 ? text : chars.slice(0, 254).join('') + '…';
}

/** The responseFormat asked for, leniently: anything but a clean "0" means the default. */
export function responseFormatOf(value: string | undefined): ResponseFormat {
  return value === '0' ? 0 : 1;
}

/** Writes an answer; `replayed` marks one an Idempotency-Key gave back (docs/reliability.md). */
export function sendAnswer(reply: FastifyReply, answer: Answer, { replayed = false } = {}): FastifyReply {
  reply.request.errorCode = answer.errorCode;
  reply.code(answer.status).header('cache-control', 'no-store').type(answer.contentType);
  if (answer.location !== undefined) reply.header('location', answer.location);
  for (const [name, value] of Object.entries(answer.headers ?? {})) reply.header(name, value);
  if (replayed) reply.header('idempotent-replayed', 'true');
  return reply.send(answer.body);
}
