// Sends the message outbox. Each round reads the due messages, claims each (state `sending`
// with a lease, one statement, so of several processes exactly one wins it), renders it from
// the facts its row keeps and the reseller's current brand, hands it to the relay and records
// the outcome. A process that dies mid-send leaves the message `sending`; when its lease runs
// out the message is due again and another process sends it. The one window in which a
// message can go twice is between the relay's acceptance (250 after DATA) and the outcome's
// commit: a process killed there, or a database that fails the update, leaves a message the
// relay has, and it is sent again after the lease (docs/notifications.md, "Guarantees"). Both
// copies carry the same Message-ID. The same loop runs the scheduler (scheduler.ts).
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import type { MailConfig } from '../config.js';
import { OutboxLoop, type DispatcherLog } from '../db/outbox-loop.js';
import { nextAttemptAt } from '../db/retry-schedule.js';
import type { Store } from '../db/store.js';
import { sign } from '../web/secret.js';
import { RETRY_SCHEDULE_SECONDS } from '../webhooks/dispatcher.js';
import { brandOf, type BrandRow } from '../notifications/brand.repository.js';
import { REMINDER_KINDS, RESELLER_KINDS } from '../notifications/messages.js';
import { claimMessage, dueMessages, isUnsubscribed, mailKey, recordSend, type DueMessage, type SendOutcome } from '../notifications/notifications.repository.js';
import { NotificationScheduler } from './scheduler.js';
import { renderMessage } from './templates.js';
import { PermanentSendFailure, type MailTransport, type OutgoingMail } from './transport.js';

export interface MailDispatcherOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly catalog: Catalog;
  readonly transport: MailTransport;
  readonly mail: Pick<MailConfig, 'from' | 'leaseSeconds' | 'pollMs' | 'scanMs'> & { readonly publicUrl: string };
  readonly log?: DispatcherLog;
  /** Most messages read per round. */
  readonly batch?: number;
  readonly scheduleSeconds?: readonly number[];
}

const MAX_ERROR_CHARS = 200;

/** The signed link that ends a customer's reminders from one reseller (unsubscribe.routes.ts). */
export function unsubscribeUrl(publicUrl: string, key: Buffer, resellerId: number, email: string): string {
  const e = email.toLowerCase();
  const q = new URLSearchParams({ r: String(resellerId), e, s: sign(key, 'unsubscribe', `${resellerId}\n${e}`) });
  return `${publicUrl}/notifications/unsubscribe?${q.toString()}`;
}

export class MailDispatcher extends OutboxLoop {
  private key: Buffer | undefined;
  readonly scheduler: NotificationScheduler;

  constructor(private readonly o: MailDispatcherOptions) {
    super({ pollMs: o.mail.pollMs, scanEveryMs: o.mail.scanMs, log: o.log, failure: 'mail dispatcher round failed' });
    this.scheduler = new NotificationScheduler({ store: o.store, clock: o.clock });
  }

  protected override scan(): Promise<number> {
    return this.scheduler.scan();
  }

  /**
   * One round: reads the due messages, then claims and sends each in turn. One at a time, on
   * purpose: a message is claimed just before its own conversation, so a lease covers one
   * conversation, and a process that dies mid-send has at most that one message between the
   * relay's acceptance and the record of it. (Sent together, every message of the round that
   * the relay had accepted but the process had not recorded yet would go twice.) The relay
   * connection is kept open between messages (transport.ts). Returns how many were claimed.
   */
  async runOnce(): Promise<number> {
    const generation = this.generation;
    let claimed = 0;
    for (const m of await dueMessages(this.o.store.db, this.o.clock.now().toISOString(), this.o.batch ?? 20)) {
      if (generation !== this.generation) break;
      const now = this.o.clock.now();
      const leaseUntil = new Date(now.getTime() + this.o.mail.leaseSeconds * 1000).toISOString();
      if (!(await this.o.store.write((tx) => claimMessage(tx, m, now.toISOString(), leaseUntil)))) continue;
      claimed++;
      await this.attempt({ ...m, attempts: m.attempts + 1 }, generation);
    }
    return claimed;
  }

  private async attempt(m: DueMessage, generation: number): Promise<void> {
    let outcome: Omit<SendOutcome, 'id' | 'attempts'>;
    try {
      const mail = await this.compose(m);
      if (mail) await this.o.transport.send(mail);
      const at = this.o.clock.now().toISOString();
      outcome = mail
        ? { state: 'sent', nextAttemptAt: at, error: null, sentAt: at }
        : { state: 'cancelled', nextAttemptAt: at, error: 'the customer unsubscribed from reminders', sentAt: null };
    } catch (error) {
      outcome = this.failure(m, error);
    }
    if (generation !== this.generation) return;
    await this.o.store.write((tx) => recordSend(tx, { id: m.id, attempts: m.attempts, ...outcome }));
  }

  private failure(m: DueMessage, error: unknown): Omit<SendOutcome, 'id' | 'attempts'> {
    const at = this.o.clock.now();
    const text = String((error as Error).message ?? error).slice(0, MAX_ERROR_CHARS);
    const retryAt = error instanceof PermanentSendFailure ? undefined : nextAttemptAt(this.o.scheduleSeconds ?? RETRY_SCHEDULE_SECONDS, m.attempts, at);
    return { state: retryAt === undefined ? 'failed' : 'pending', nextAttemptAt: retryAt ?? at.toISOString(), error: text, sentAt: null };
  }

  /** The message as the relay gets it; undefined for a reminder whose customer unsubscribed. */
  private async compose(m: DueMessage): Promise<OutgoingMail | undefined> {
    const db = this.o.store.db;
    const brand = await brandOf(db, m.reseller_id);
    if (!brand) throw new PermanentSendFailure('the reseller no longer exists');
    const reminder = REMINDER_KINDS.has(m.kind);
    if (reminder && (await isUnsubscribed(db, m.reseller_id, m.recipient))) return undefined;
    this.key ??= await mailKey(db);
    const unsubscribe = reminder ? unsubscribeUrl(this.o.mail.publicUrl, this.key, m.reseller_id, m.recipient) : undefined;
    const rendered = renderMessage(m.kind, JSON.parse(m.facts_json), renderContext(this.o, brand, unsubscribe));
    return {
      from: { name: brandName(brand), address: this.o.mail.from },
      to: m.recipient,
      // The reseller's own notices need no reply address; its customers reply to the reseller.
      replyTo: RESELLER_KINDS.has(m.kind) ? undefined : (brand.mail_reply_to ?? undefined),
      ...rendered,
      messageId: `<m${m.id}.${m.kind}@${this.o.mail.from.split('@')[1]}>`,
      headers: unsubscribe ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
    };
  }
}

export function brandName(brand: Pick<BrandRow, 'mail_sender_name' | 'ap'>): string {
  return brand.mail_sender_name ?? brand.ap;
}

export function renderContext(o: { readonly catalog: Catalog; readonly mail: { readonly publicUrl: string } }, brand: BrandRow, unsubscribe?: string) {
  return { catalog: o.catalog, publicUrl: o.mail.publicUrl, brandName: brandName(brand), ap: brand.ap, footer: brand.mail_footer, ...(unsubscribe ? { unsubscribeUrl: unsubscribe } : {}) };
}
