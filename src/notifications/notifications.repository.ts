// Every query of the message outbox (notification_messages), unsubscribes and the signing key.
// The reads that decide what to write (reminders, digests, failing endpoints) are in
// scheduler.repository.ts; the reseller's brand settings in brand.repository.ts.
import { sql } from 'kysely';
import { preparedRowsQuery, type Executor } from '../db/prepared.js';
import type { Db } from '../db/types.js';
import type { MessageKind, MessageState, NotificationMessagesTable } from './notifications.table.js';

/** A message to write: at most one per (kind, subject, recipient) is ever stored. */
export interface NewMessage {
  readonly resellerId: number;
  readonly kind: MessageKind;
  readonly subjectKey: string;
  readonly recipient: string;
  readonly facts: object;
  /** When the cause happened (a sandbox reseller's clock). */
  readonly at: string;
}

/** A new message's due time: always in the past, whatever a sandbox clock says (as webhook deliveries'). */
const DUE_NOW = '1970-01-01T00:00:00.000Z';

const MESSAGE_COLUMNS = ['reseller_id', 'kind', 'subject_key', 'recipient', 'facts_json', 'created_at'] as const;
type MessageRow = Record<(typeof MESSAGE_COLUMNS)[number], string | number>;

/** New messages; one whose (kind, subject, recipient) is stored already is skipped. */
const INSERT_MESSAGES = preparedRowsQuery<MessageRow, never>('insert notification messages', MESSAGE_COLUMNS, (db, rows) =>
  db
    .insertInto('notification_messages')
    .values(
      rows.map((r) => ({
        ...(r as unknown as Pick<NotificationMessagesTable, 'reseller_id' | 'kind' | 'subject_key' | 'recipient' | 'facts_json' | 'created_at'>),
        state: sql.lit('pending'),
        attempts: sql.lit(0),
        next_attempt_at: sql.lit(DUE_NOW),
        last_error: null,
        sent_at: null,
      })) as never,
    )
    .onConflict((oc) => oc.columns(['kind', 'subject_key', 'recipient']).doNothing()),
);

/**
 * Writes the messages in the caller's transaction, a multi-row statement (prepared, on the
 * batch writer's executor or a Kysely handle); a message whose (kind, subject, recipient) is
 * stored already is skipped, so a second process, a retried scan or a repeated event writes
 * nothing.
 */
export async function insertMessages(on: Executor | Db, messages: readonly NewMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await INSERT_MESSAGES.count(
    on,
    messages.map((m) => ({
      reseller_id: m.resellerId,
      kind: m.kind,
      subject_key: m.subjectKey,
      recipient: m.recipient.toLowerCase(),
      facts_json: JSON.stringify(m.facts),
      created_at: m.at,
    })),
  );
}

export interface DueMessage {
  id: number;
  reseller_id: number;
  kind: MessageKind;
  subject_key: string;
  recipient: string;
  facts_json: string;
  attempts: number;
}

/**
 * Messages due now: pending ones whose time has come, and `sending` ones whose sender's lease
 * ran out (it died). From `notification_messages_due (state, next_attempt_at)`.
 */
export function dueMessagesQuery(db: Db, nowIso: string, limit: number) {
  return db
    .selectFrom('notification_messages')
    .select(['id', 'reseller_id', 'kind', 'subject_key', 'recipient', 'facts_json', 'attempts'])
    .where('state', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', nowIso)
    .orderBy('next_attempt_at')
    .limit(limit);
}

export async function dueMessages(db: Db, nowIso: string, limit: number): Promise<DueMessage[]> {
  return dueMessagesQuery(db, nowIso, limit).execute();
}

/**
 * Takes the message for this sender until `leaseUntil` and counts the attempt; false when
 * another sender took it first. One statement: on PostgreSQL the second of two racing updates
 * waits for the first and then finds the row no longer due.
 */
export async function claimMessage(tx: Db, m: Pick<DueMessage, 'id' | 'attempts'>, nowIso: string, leaseUntil: string): Promise<boolean> {
  const r = await tx
    .updateTable('notification_messages')
    .set({ state: 'sending', next_attempt_at: leaseUntil, attempts: m.attempts + 1 })
    .where('id', '=', m.id)
    .where('attempts', '=', m.attempts)
    .where('state', 'in', ['pending', 'sending'])
    .where('next_attempt_at', '<=', nowIso)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface SendOutcome {
  readonly id: number;
  /** The attempt this sender claimed: a sender whose lease was taken over records nothing. */
  readonly attempts: number;
  readonly state: Exclude<MessageState, 'sending'>;
  readonly nextAttemptAt: string;
  readonly error: string | null;
  readonly sentAt: string | null;
}

export async function recordSend(tx: Db, o: SendOutcome): Promise<void> {
  await tx
    .updateTable('notification_messages')
    .set({ state: o.state, next_attempt_at: o.nextAttemptAt, last_error: o.error, sent_at: o.sentAt })
    .where('id', '=', o.id)
    .where('state', '=', 'sending')
    .where('attempts', '=', o.attempts)
    .execute();
}

export interface MessageListRow {
  id: number;
  kind: MessageKind;
  recipient: string;
  subject_key: string;
  state: MessageState;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A reseller's messages newest first (`notification_messages_reseller`), from the cursor on. */
export function messagesOfQuery(db: Db, resellerId: number, limit: number, beforeId?: number) {
  let q = db
    .selectFrom('notification_messages')
    .select(['id', 'kind', 'recipient', 'subject_key', 'state', 'attempts', 'last_error', 'created_at', 'sent_at'])
    .where('reseller_id', '=', resellerId)
    .orderBy('id', 'desc')
    .limit(limit);
  if (beforeId !== undefined) q = q.where('id', '<', beforeId);
  return q;
}

export async function messagesOf(db: Db, resellerId: number, limit: number, beforeId?: number): Promise<MessageListRow[]> {
  return messagesOfQuery(db, resellerId, limit, beforeId).execute();
}

/** A failed message of the reseller goes again, with a fresh schedule. Returns how many did. */
export async function retryFailed(tx: Db, resellerId: number, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await tx
    .updateTable('notification_messages')
    .set({ state: 'pending', attempts: 0, next_attempt_at: DUE_NOW, last_error: null })
    .where('reseller_id', '=', resellerId)
    .where('id', 'in', [...ids])
    .where('state', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** The newest messages of every reseller, by the primary key (the demo's preview). */
export async function newestMessages(db: Db, limit: number): Promise<MessageListRow[]> {
  return db
    .selectFrom('notification_messages')
    .select(['id', 'kind', 'recipient', 'subject_key', 'state', 'attempts', 'last_error', 'created_at', 'sent_at'])
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The message's raw row (the demo preview, tests). */
export async function messageById(db: Db, id: number) {
  return db.selectFrom('notification_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Retention (src/maintenance/purge.ts): messages by id from the cursor on, with their time. */
export function messagesAfterQuery(db: Db, afterId: number, limit: number) {
  return db.selectFrom('notification_messages').select(['id', 'created_at as at']).where('id', '>', afterId).orderBy('id').limit(limit);
}

export async function deleteMessages(tx: Db, ids: readonly number[]): Promise<number> {
  const r = await tx.deleteFrom('notification_messages').where('id', 'in', [...ids]).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function unsubscribe(tx: Db, resellerId: number, emailKey: string, at: string): Promise<void> {
  await tx
    .insertInto('notification_unsubscribes')
    .values({ reseller_id: resellerId, email_key: emailKey, at })
    .onConflict((oc) => oc.columns(['reseller_id', 'email_key']).doNothing())
    .execute();
}

export async function isUnsubscribed(db: Db, resellerId: number, emailKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('notification_unsubscribes')
    .select('at')
    .where('reseller_id', '=', resellerId)
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
  return row !== undefined;
}

/** The key that signs unsubscribe links, made by the migration and shared by every process. */
export async function mailKey(db: Db): Promise<Buffer> {
  const row = await db.selectFrom('notification_keys').select('secret').where('id', '=', 1).executeTakeFirstOrThrow();
  return Buffer.from(row.secret, 'utf8');
}
