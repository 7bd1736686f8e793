// The messages that time causes: renewal reminders 30, 7 and 1 days before a licence expires
// and on the day it does, the reseller's daily digest of orders waiting for its authorization
// for more than a day, and the notice of a webhook endpoint failing for an hour. No timer per
// process decides anything: each scan reads the database and writes rows whose unique key
// (kind, subject, recipient) makes a second process's write of the same message a no-op. A
// sandbox reseller with a moved test clock is scanned on its own clock.
import { isoDate, type Clock } from '../clock.js';
import type { Store } from '../db/store.js';
import { clockScopes, nowOf, type ClockScope } from '../webhooks/clock-scopes.js';
import { EXPIRED_REMINDER_LOOKBACK_DAYS, REMINDERS, contactName, type DigestView, type ReminderView, type WebhookFailingView } from '../notifications/messages.js';
import { insertMessages, type NewMessage } from '../notifications/notifications.repository.js';
import type { MessageKind } from '../notifications/notifications.table.js';
import { failingEndpoints, messageExists, noticeTakers, reminderCandidates, renewedAmong, waitingOrders } from '../notifications/sources.repository.js';

const DAY_MS = 86_400_000;
/** A licence committed this long after the scan read its clock is still found by the next one. */
const SCAN_MARGIN_MS = 60_000;
/** Orders a digest lists; it counts up to DIGEST_COUNT_CAP. */
const DIGEST_LISTED = 20;
const DIGEST_COUNT_CAP = 100;

export class NotificationScheduler {
  /** Per scope and kind: every licence expiring up to this instant has had its reminder written. */
  private readonly scanned = new Map<string, string>();

  constructor(private readonly o: { readonly store: Store; readonly clock: Clock; readonly limit?: number }) {}

  /** One scan of everything; resolves with the number of messages it wrote (or found written). */
  async scan(): Promise<number> {
    const scopes = await clockScopes(this.o.store.db, this.o.clock);
    let written = 0;
    for (const s of scopes) written += await this.reminders(s);
    written += await this.resellerNotices(scopes);
    return written;
  }

  /**
   * Each reminder's window runs from the next reminder's point to its own: a licence expiring
   * within 30 days but more than 7 gets the 30-day reminder, and so on, so a clock that jumps
   * (a sandbox's, a server that was down) sends the reminder that is due, not the ones passed.
   */
  private async reminders(s: ClockScope): Promise<number> {
    const limit = this.o.limit ?? 500;
    let written = 0;
    for (const [i, r] of REMINDERS.entries()) {
      const nextDays = REMINDERS[i + 1]?.days ?? -EXPIRED_REMINDER_LOOKBACK_DAYS;
      const until = new Date(s.now + r.days * DAY_MS).toISOString();
      const floor = new Date(s.now + nextDays * DAY_MS).toISOString();
      const markKey = `${s.key}:${r.kind}`;
      const mark = this.scanned.get(markKey);
      const after = mark !== undefined && mark > floor && mark < until ? mark : floor;
      const found = await reminderCandidates(this.o.store.db, { kind: r.kind, after, until, scope: s.scope, limit });
      // A licence issued after its reminder's point (a 1-month term and the 30-day reminder) is not reminded of it.
      const renewed = await renewedAmong(this.o.store.db, found.map((c) => c.licence_id));
      const due = found.filter((c) => !renewed.has(c.licence_id) && Date.parse(c.created_at) <= Date.parse(c.expires_at) - r.days * DAY_MS);
      const rows = due.map((c): NewMessage => {
        // The days actually left: a reminder sent late (a clock that jumped) says so.
        const days = r.days === 0 ? 0 : Math.max(1, Math.ceil((Date.parse(c.expires_at) - s.now) / DAY_MS));
        const facts: ReminderView = { orderNumber: c.order_id, name: contactName(c.contact_json), code: c.code, ppp: c.ppp, expiresAt: c.expires_at, days, ap: c.ap };
        return { resellerId: c.reseller_id, kind: r.kind, subjectKey: `licence:${c.licence_id}`, recipient: c.email_key, facts, at: new Date(s.now).toISOString() };
      });
      await this.write(rows);
      written += rows.length;
      if (found.length < limit) this.scanned.set(markKey, new Date(Date.parse(until) - SCAN_MARGIN_MS).toISOString());
    }
    return written;
  }

  /** The digest and the failing-webhook notice of each reseller that takes notices, on its clock. */
  private async resellerNotices(scopes: readonly ClockScope[]): Promise<number> {
    const db = this.o.store.db;
    const rows: NewMessage[] = [];
    for (const r of await noticeTakers(db)) {
      const now = nowOf(scopes, r.id);
      const day = isoDate(new Date(now));
      const at = new Date(now).toISOString();
      const base = { resellerId: r.id, recipient: r.mail_notices_to!, at };
      if (!(await messageExists(db, 'digest', `day:${day}`, r.mail_notices_to!))) {
        const waiting = await waitingOrders(db, r.id, new Date(now - DAY_MS).toISOString(), DIGEST_COUNT_CAP);
        if (waiting.length > 0) {
          const facts: DigestView = {
            day,
            count: waiting.length,
            orders: waiting.slice(0, DIGEST_LISTED).map((o) => ({ orderNumber: o.id, createdAt: o.created_at, totalCents: o.total_cents, currency: o.currency })),
          };
          rows.push({ ...base, kind: 'digest', subjectKey: `day:${day}`, facts });
        }
      }
      for (const e of await failingEndpoints(db, r.id, new Date(now - 3_600_000).toISOString())) {
        const facts: WebhookFailingView = { endpointId: e.id, url: e.url, since: String(e.since), pending: Number(e.pending) };
        rows.push({ ...base, kind: 'webhook_failing' satisfies MessageKind, subjectKey: `endpoint:${e.id}:${day}`, facts });
      }
    }
    await this.write(rows);
    return rows.length;
  }

  private async write(rows: readonly NewMessage[]): Promise<void> {
    if (rows.length > 0) await this.o.store.write((tx) => insertMessages(tx, rows));
  }
}
