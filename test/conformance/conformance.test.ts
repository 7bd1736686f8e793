// `placeorder conformance` over real HTTP: our own server passes every check; a test double
// that answers one rule wrongly (it accepts a Partner tier without organizationName instead of
// -62) fails exactly that check, and the command exits non-zero.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/seed/demo.js';
import { run } from '../../src/cli/main.js';
import { creditFunds } from '../../src/funds/funds.service.js';
import { checksFor } from '../../src/conformance/runner.js';
import { captureLines } from '../cli/capture.js';
import { DIALECTS } from '../helpers/dialects.js';
import { testApp, type TestApp } from '../helpers/app.js';

/** Forwards everything to `upstream`, except that it wrongly accepts a Partner tier without a company name. */
function wrongDouble(upstream: string): Promise<{ url: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString('utf8'));
      if (params.get('1_PPP') === '9736' && !params.get('organizationName')) {
        res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
        res.end('errorCode=0&orderNumber=4242');
        return;
      }
      const fwd = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })),
  );
}

describe.each(DIALECTS)('placeorder conformance (%s)', (dialect) => {
  let t: TestApp;
  let baseUrl: string;
  let double: { url: string; server: Server };
  beforeAll(async () => {
    t = await testApp(dialect);
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    double = await wrongDouble(baseUrl);
  });
  afterAll(async () => {
    await new Promise((r) => double.server.close(r));
    await t.close();
  });

  it('our server passes every check, one line each, and the command exits 0', async () => {
    const c = captureLines();
    const code = await run(['conformance', '--url', baseUrl, '--ap', 'resellerbrand'], c.io);
    const lines = c.out.filter((l) => /^(pass|FAIL) /.test(l));
    const expected = checksFor({}).length;
    expect(lines, c.out.join('\n')).toHaveLength(expected);
    expect(lines.filter((l) => l.startsWith('FAIL')), c.out.join('\n')).toEqual([]);
    expect(c.out.at(-1)).toBe(`${expected} checks: ${expected} passed, 0 failed`);
    expect(code).toBe(0);
  });

  it('with the API user, the reseller endpoint checks run and pass too', async () => {
    await creditFunds(t.store, t.clock, 'resellerbrand', 1_000_00, 'conformance top-up', 'test');
    const c = captureLines();
    const code = await run(['conformance', '--url', baseUrl, '--ap', 'resellerbrand', '--login', 'resellerbrand-api', '--password', DEMO_PASSWORD], c.io);
    const expected = checksFor({ login: 'x', password: 'x' }).length;
    expect(expected).toBeGreaterThan(checksFor({}).length);
    expect(c.out.filter((l) => l.startsWith('FAIL')), c.out.join('\n')).toEqual([]);
    expect(c.out.at(-1)).toBe(`${expected} checks: ${expected} passed, 0 failed`);
    expect(code).toBe(0);
  });

  it('a server that answers one rule wrongly fails that check only, and the command exits 1', async () => {
    const c = captureLines();
    const code = await run(['conformance', '--url', double.url, '--ap', 'resellerbrand'], c.io);
    const failed = c.out.filter((l) => l.startsWith('FAIL'));
    expect(failed, c.out.join('\n')).toHaveLength(1);
    expect(failed[0]).toMatch(/^FAIL {2}company-name-required .*expected errorCode=-62/);
    expect(c.out.at(-1)).toMatch(/ checks: \d+ passed, 1 failed$/);
    expect(code).toBe(1);
  });

  it('an unreachable server fails every check instead of crashing', async () => {
    const c = captureLines();
    const code = await run(['conformance', '--url', 'http://127.0.0.1:1', '--ap', 'x', '--check', 'missing-ap', '--timeout-ms', '2000'], c.io);
    expect(c.out.find((l) => l.startsWith('FAIL  missing-ap'))).toMatch(/could not run/);
    expect(code).toBe(1);
  });
});

describe('placeorder conformance flags', () => {
  it('refuses a missing --url or an unknown --check with exit code 2', async () => {
    const a = captureLines();
    expect(await run(['conformance', '--ap', 'x'], a.io)).toBe(2);
    expect(a.err.join('\n')).toMatch(/--url is required/);
    const b = captureLines();
    expect(await run(['conformance', '--url', 'http://127.0.0.1:1', '--ap', 'x', '--check', 'nope'], b.io)).toBe(2);
    expect(b.err.join('\n')).toMatch(/unknown check nope/);
  });

  it('--list names every check', async () => {
    const c = captureLines();
    expect(await run(['conformance', '--list'], c.io)).toBe(0);
    expect(c.out.length).toBe(checksFor({ login: 'x', password: 'x' }).length);
  });
});
