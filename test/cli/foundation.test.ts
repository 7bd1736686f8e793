// The operator's CLI as an operator runs it: the built `placeorder` binary, on each dialect.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';

const exec = promisify(execFile);
const BIN = new URL('../../bin/placeorder.js', import.meta.url).pathname;
/** Cheap argon2 for the child processes: the CLI path is under test, not the hash cost. */
const ENV = { ...process.env, PLACEORDER_ARGON2_MEMORY_KIB: '1024', PLACEORDER_ARGON2_TIME_COST: '1', PLACEORDER_DB: '' };

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [BIN, ...args], { env: ENV, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each(DIALECTS)('placeorder CLI (%s)', (dialect) => {
  let db: FreshDatabase;
  beforeAll(async () => {
    db = await freshDatabase(dialect);
  });
  afterAll(() => db.drop());

  it('migrate brings a fresh database up to date, then says so', async () => {
    const first = await cli(['migrate', '--db', db.location]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied: 001_foundation/);
    const again = await cli(['migrate', '--db', db.location]);
    expect(again.stdout).toContain('schema is up to date');
  });

  it('reseller add creates a reseller and its API user; a duplicate is a clear error', async () => {
    const add = await cli([
      'reseller', 'add', '--ap', 'cli-brand', '--login', 'cli-api', '--password', 'cli-password',
      '--validated', '--redirect-origin', 'https://shop.example/', '--redirect-origin', 'http://localhost:3000', '--db', db.location,
    ]);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('reseller "cli-brand" created');
    const dup = await cli(['reseller', 'add', '--ap', 'cli-brand', '--login', 'other-api', '--password', 'cli-password', '--db', db.location]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('a reseller "cli-brand" exists already');
  });

  it('bad flags and values are one clear line and exit code 2, never a stack trace', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['reseller', 'add', '--ap', 'x', '--login', 'y', '--db', db.location], /--password is required/],
      [['reseller', 'add', '--ap', 'x', '--login', 'y', '--password', 'short', '--db', db.location], /8 to 128 characters/],
      [['reseller', 'add', '--ap', 'x', '--login', 'y', '--password', 'long-enough', '--redirect-origin', 'https://a.example/path', '--db', db.location], /is not an origin/],
      [['reseller', 'add', '--bogus'], /Unknown option '--bogus'/],
      [['orders', 'list', '--limit', 'lots', '--db', db.location], /--limit must be a whole number/],
      [['serve', '--port', 'eighty'], /port must be a whole number/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(args)));
    cases.forEach(([args, message], i) => {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }, 120_000);

  it('serve logs its URL when ready, warns about --allow-http, and takes orders; orders list --json shows them', async () => {
    const server = spawn('node', [BIN, 'serve', '--db', db.location, '--port', '0', '--allow-http', '--demo'], { env: ENV });
    const lines: string[] = [];
    let url = '';
    try {
      server.stdout.setEncoding('utf8');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line: ${lines.join('')}`)), 20_000);
        server.stdout.on('data', (chunk: string) => {
          lines.push(chunk);
          const m = /placeorder listening on (http:\/\/[^"\s]+)/.exec(lines.join(''));
          if (m) {
            url = m[1]!;
            clearTimeout(timer);
            resolve();
          }
        });
        server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${lines.join('')}`)));
      });
      expect(lines.join('')).toMatch(/"level":40.*--allow-http/);
      const res = await fetch(`${url}/products/!PlaceOrder`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'ap=cli-brand&reseller=Y&emailAddress=cli%40example.com&name=Cli&1_PPP=9974&loginName=cli-customer&loginPassword=cli-secret',
      });
      const body = await res.text();
      expect(body).toMatch(/^errorCode=0&orderNumber=(\d+)/);
      const orderNumber = Number(/orderNumber=(\d+)/.exec(body)![1]);
      const list = await cli(['orders', 'list', '--json', '--ap', 'cli-brand', '--db', db.location]);
      expect(list.code).toBe(0);
      const orders = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({
        orderNumber,
        ap: 'cli-brand',
        status: 'pending_authorization',
        emailAddress: 'cli@example.com',
        totalCents: 4899,
        items: [expect.objectContaining({ ppp: 9974 })],
      });
      expect(lines.join('')).not.toContain('cli-secret');
    } finally {
      server.kill('SIGTERM');
      if (server.exitCode === null) await once(server, 'exit');
    }
    expect(server.exitCode).toBe(0);
  }, 120_000);
});
