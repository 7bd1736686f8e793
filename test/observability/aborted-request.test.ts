// A client that closes its connection in the middle of a request body (Content-Length promises
// more than arrives) is routine, not an error of ours: one info line, never an error line and
// never the body (issue 13, finding 10.6).
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isClientAbort } from '../../src/observability/client-abort.js';
import { DIALECTS } from '../helpers/dialects.js';
import { testApp, type TestApp } from '../helpers/app.js';

const CANARY = 'CANARY-aborted-body-31';
const PATHS = ['/products/!PlaceOrder', '/products/!AutoAuthorize', '/console/sign-in', '/nowhere'];

/** Sends the headers and part of the body, then closes (`half`: only our side, and reads the answer). */
function partialPost(port: number, path: string, half: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const s = connect(port, '127.0.0.1', () => {
      const body = `loginName=someone&loginPassword=${CANARY}&ap=resellerbrand`;
      s.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length + 500}\r\n\r\n${body}`);
      setTimeout(() => (half ? s.end() : s.destroy()), 50);
    });
    s.on('data', (d) => (data += d));
    s.on('close', () => resolve(data));
    s.on('error', reject);
  });
}

interface Line {
  level: number;
  msg: string;
}

describe.each(DIALECTS)('a client closing mid-body (%s)', (dialect) => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await testApp(dialect);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const lines = () => t.logLines.join('').trim().split('\n').map((l) => JSON.parse(l) as Line);
  const aborted = () => lines().filter((l) => l.msg === 'client closed the connection before sending the whole request');

  it('is logged once per request at info, never at error, and never with the body', async () => {
    const before = t.logLines.length;
    for (const path of PATHS) await partialPost(port, path, false);
    await expect.poll(() => aborted().length, { timeout: 5_000 }).toBe(PATHS.length);
    const written = t.logLines.slice(before).join('');
    expect(written).not.toContain(CANARY);
    expect(lines().filter((l) => l.level >= 50)).toEqual([]);
    expect(aborted().every((l) => l.level === 30)).toBe(true);
  });

  it('a client that only half-closes still gets an errorCode answer, and no error line is written', async () => {
    const answer = await partialPost(port, '/products/!PlaceOrder', true);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.split('\r\n\r\n')[1]).toMatch(/^errorCode=-4&/);
    expect(t.logLines.join('')).not.toContain(CANARY);
    expect(lines().filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('isClientAbort', () => {
  it('is a reset before the request was complete, not a reset (a database connection) after it', () => {
    expect(isClientAbort({ code: 'ECONNRESET' }, { raw: { complete: false } })).toBe(true);
    expect(isClientAbort({ code: 'ECONNRESET' }, { raw: { complete: true } })).toBe(false);
    // An in-process (injected) request has no `complete`: a reset there is the database's.
    expect(isClientAbort({ code: 'ECONNRESET' }, { raw: {} })).toBe(false);
    expect(isClientAbort({ code: 'ETIMEDOUT' }, { raw: { complete: false } })).toBe(false);
    expect(isClientAbort({ code: undefined as unknown as string }, { raw: { complete: false } })).toBe(false);
  });
});
