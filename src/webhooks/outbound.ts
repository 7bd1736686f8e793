// The one way a webhook leaves the server: resolve the endpoint's host, check the addresses
// (src/webhooks/destination.ts), and connect only to those checked addresses — the socket's
// lookup is pinned to them, so a second DNS answer between check and connect (DNS rebinding)
// cannot take the request elsewhere (issue 13, finding 10.3). TLS still verifies the
// certificate against the host name. Redirects are never followed.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { deliveryAddresses, type ResolvedAddress, type Resolver } from './destination.js';

/** The receiver's answer: its status and the start of its body. */
export interface PostAnswer {
  readonly status: number;
  readonly text: string;
}

export interface PostRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal;
}

export type Poster = (url: string, request: PostRequest) => Promise<PostAnswer>;

/** The part of a receiver's answer kept (for the failed attempt's record); the rest is not read. */
const MAX_ANSWER_BYTES = 4096;

export function guardedPoster(o: { readonly resolve: Resolver; readonly allowPrivate: boolean }): Poster {
  return async (urlText, request) => {
    const url = new URL(urlText);
    const addresses = await untilAborted(deliveryAddresses(url, o.resolve, o.allowPrivate), request.signal);
    return send(url, addresses, request);
  };
}

/** A slow resolver counts against the delivery's time limit too: the lease must outlast it. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A lookup that answers only with the addresses already checked, whatever it is asked. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = addresses.filter((a) => !options.family || options.family === a.family || options.family === `IPv${a.family}`);
    const list = wanted.length > 0 ? wanted : addresses;
    if (options.all) callback(null, list.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, list[0]!.address, list[0]!.family);
  };
}

function send(url: URL, addresses: readonly ResolvedAddress[], r: PostRequest): Promise<PostAnswer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) },
        signal: r.signal,
        // A connection of its own: a pooled socket was checked for another delivery.
        agent: false,
        lookup: pinnedLookup(addresses),
      },
      (res) => readAnswer(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

function readAnswer(res: IncomingMessage): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8') });
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      // Enough to record: the status is what counts, and a receiver must not make us read forever.
      if (size >= MAX_ANSWER_BYTES) {
        res.destroy();
        done();
      }
    });
    res.on('end', done);
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete && size < MAX_ANSWER_BYTES) reject(new Error('the answer was cut off'));
    });
  });
}
