// `serve --demo` without PLACEORDER_SMTP_URL: messages become .eml files in PLACEORDER_MAIL_DIR,
// listed (with their HTML part) at /notifications/preview, which the start page links.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, assertBuilt, postTo, startServer, type ServerProcess } from '../scale/processes.js';

describe.each(DIALECTS)('demo mail folder and preview (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  let fresh: FreshDatabase;
  let server: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    assertBuilt();
    fresh = await freshDatabase(dialect);
    dir = mkdtempSync(join(tmpdir(), 'placeorder-mail-'));
    server = await startServer(fresh.location, ['--demo'], { PLACEORDER_MAIL_DIR: dir, PLACEORDER_MAIL_POLL_MS: '100', PLACEORDER_SMTP_URL: undefined });
  });
  afterAll(async () => {
    await server?.stop();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the order_received message as an .eml file and previews it', async () => {
    const placed = await postTo(server.url, 'PlaceOrder', { ap: 'resellerbrand', reseller: 'Y', emailAddress: 'demo@example.com', name: 'Demo Customer', '1_PPP': '9974' });
    expect(placed.answer.errorCode).toBe('0');
    const deadline = Date.now() + 20_000;
    let files: string[] = [];
    while (files.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    }
    expect(files).toEqual([expect.stringMatching(/^m[0-9]+\.order_received\.eml$/)]);
    const eml = readFileSync(join(dir, files[0]!), 'utf8');
    expect(eml).toContain('To: demo@example.com');
    expect(eml).toContain(`Subject: Order ${placed.answer.orderNumber} received`);
    const start = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(await start.text()).toContain('href="/notifications/preview"');
    const list = await fetch(`${server.url}/notifications/preview`);
    expect(list.headers.get('x-placeorder-error-code')).toBe('0');
    const body = await list.text();
    expect(body).toContain(`/notifications/preview/eml/${files[0]}`);
    const id = /\/notifications\/preview\/([0-9]+)"/.exec(body)![1]!;
    const part = await fetch(`${server.url}/notifications/preview/${id}`);
    expect(await part.text()).toContain('Demo Customer');
    expect((await fetch(`${server.url}/notifications/preview/eml/..%2Fsecret.eml`)).headers.get('x-placeorder-error-code')).toBe('-4');
  });
});
