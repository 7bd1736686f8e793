// Encoding an answer: url-encoded body (default), newline body (responseFormat=0), or a
// redirect carrying the same parameters. errorCode is always present and always first.
import type { FastifyReply } from 'fastify';
import { Errors, errorMessage, type ErrorDef, type PlaceOrderError } from '../errors.js';
import { formatCents } from '../money.js';
import { appendQuery, encodeNewline, encodeUrlEncoded, type AnswerFields } from './form.js';

export type ResponseFormat = 0 | 1;

export interface Answer {
  readonly fields: AnswerFields;
  readonly format: ResponseFormat;
  /** Absolute URL to redirect the browser to, already checked against registered origins. */
  readonly redirect?: string | undefined;
  /** HTTP status when not a redirect; 200 for every API outcome, 404 for unknown paths. */
  readonly status?: number;
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

export function sendAnswer(reply: FastifyReply, answer: Answer): FastifyReply {
  const urlEncoded = encodeUrlEncoded(answer.fields);
  reply.header('cache-control', 'no-store');
  if (answer.redirect !== undefined) {
    // 303 makes the browser GET the target after a POST; 302 is the classic GET redirect.
    const status = reply.request.method === 'POST' ? 303 : 302;
    return reply
      .code(status)
      .header('location', appendQuery(answer.redirect, urlEncoded))
      .type('application/x-www-form-urlencoded; charset=utf-8')
      .send(urlEncoded);
  }
  if (answer.format === 0) {
    return reply.code(answer.status ?? 200).type('text/plain; charset=utf-8').send(encodeNewline(answer.fields));
  }
  return reply.code(answer.status ?? 200).type('application/x-www-form-urlencoded; charset=utf-8').send(urlEncoded);
}
