// Two `placeorder serve` processes send one outbox to a real SMTP server, and the one that is
// in the middle of a send is killed (SIGKILL, after the relay received the message's data but
// before it answered): every message arrives, none twice. The killed process's message was
// never accepted by the relay; its lease runs out and the other process sends it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { seedDemo } from '../../src/seed/demo.js';
import { migrate, openStore } from '../../src/db/store.js';
import { orderReceivedMessages } from '../../src/notifications/messages.js';
import { insertMessages } from '../../src/notifications/notifications.repository.js';
import { resellerIdByAp } from '../../src/resellers/resellers.repository.js';
import { cheapHasher } from '../helpers/app.js';
import { DIALECTS, freshDatabase, type FreshDatabase } from '../helpers/dialects.js';
import { SPAWN_TIMEOUT_MS, assertBuilt, startServer, type ServerProcess } from '../scale/processes.js';
import { startSmtp, type TestSmtp } from './smtp.js';

/** Enough that, with the relay's acceptance taking ACCEPT_MS, both processes send side by side for a while. */
const MESSAGES = 200;
const ACCEPT_MS = 15;
/** A lease just over eight SMTP time limits (the configuration's rule): the wait for a killed sender. */
const LEASE_SECONDS = 9;

describe.each(DIALECTS)('two processes send the outbox, one killed mid-send (%s)', { timeout: SPAWN_TIMEOUT_MS }, (dialect) => {
  let fresh: FreshDatabase;
  let smtp: TestSmtp;
  const servers = new Map<string, ServerProcess>();

  beforeAll(async () => {
    assertBuilt();
    fresh = await freshDatabase(dialect);
    smtp = await startSmtp({ acceptMs: ACCEPT_MS });
    const store = await openStore(fresh.location, { poolSize: 2 });
    await migrate(store);
    await seedDemo(store, cheapHasher(), systemClock);
    const resellerId = (await resellerIdByAp(store.db, 'resellerbrand'))!;
    const at = new Date().toISOString();
    const rows = Array.from({ length: MESSAGES }, (_, i) =>
      orderReceivedMessages({ resellerId, orderNumber: i + 1, emailAddress: `c${i + 1}@example.com`, contactJson: '{"name":"C"}', resellerPays: true, status: 'pending_authorization', totalCents: 4899, currency: 'USD', items: [{ ppp: 9974, priceCents: 4899 }], at }),
    ).flat();
    await store.write((tx) => insertMessages(tx, rows));
    await store.close();
  });
  afterAll(async () => {
    for (const s of servers.values()) await s.stop();
    await smtp?.close();
    await fresh?.drop();
  });

  it('every message arrives exactly once', async () => {
    const held = smtp.holdNext(MESSAGES / 4);
    const env = (name: string) => ({
      PLACEORDER_SMTP_URL: smtp.url,
      PLACEORDER_SMTP_NAME: name,
      PLACEORDER_SMTP_TIMEOUT_MS: '1000',
      PLACEORDER_MAIL_LEASE_SECONDS: String(LEASE_SECONDS),
      PLACEORDER_MAIL_POLL_MS: '100',
      PLACEORDER_MAIL_FROM: 'orders@placeorder.test',
    });
    const starting = new Map(['a.placeorder.test', 'b.placeorder.test'].map((name) => [name, startServer(fresh.location, [], env(name))]));
    // The first message whose data reached the relay is held unanswered: its sender dies now.
    const victim = await held;
    expect(starting.has(victim)).toBe(true);
    for (const [name, started] of starting) servers.set(name, await started);
    const killed = servers.get(victim)!;
    killed.child.kill('SIGKILL');
    await killed.exited;
    servers.delete(victim);
    smtp.dropHeld();
    const deadline = Date.now() + (LEASE_SECONDS + 30) * 1000;
    while (smtp.received.length < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const ids = smtp.received.map((r) => r.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(MESSAGES);
    expect(new Set(smtp.received.map((r) => r.to))).toEqual(new Set(Array.from({ length: MESSAGES }, (_, i) => `c${i + 1}@example.com`)));
    // Both sent side by side before the kill, and the survivor sent the rest.
    expect(new Set(smtp.received.slice(0, MESSAGES / 4).map((r) => r.client)).size).toBe(2);
    // Nothing more goes once the lease of anything the killed process held has run out.
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.received).toHaveLength(MESSAGES);
    const store = await openStore(fresh.location, { poolSize: 1 });
    try {
      const states = await store.db.selectFrom('notification_messages').select(['state', 'attempts']).execute();
      expect(states.every((s) => s.state === 'sent')).toBe(true);
      expect(states.filter((s) => s.attempts === 2).length).toBeGreaterThanOrEqual(1);
    } finally {
      await store.close();
    }
  });
});
