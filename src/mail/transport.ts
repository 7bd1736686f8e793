// How a message leaves: nodemailer to the SMTP relay of PLACEORDER_SMTP_URL, or (the demo
// without a relay) nodemailer's own MIME writer into a folder of .eml files. Either way the
// message is composed by the same code, so a preview is what a relay would have been given.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  readonly from: { readonly name: string; readonly address: string };
  readonly to: string;
  readonly replyTo?: string | undefined;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Stable per outbox row: a copy sent twice (the documented crash window) carries the same id. */
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A failure the relay will repeat (5xx, a refused address): recorded, not retried. */
export class PermanentSendFailure extends Error {
  override name = 'PermanentSendFailure';
}

export interface MailTransport {
  /** Resolves once the relay accepted the message (or the file is written). */
  send(mail: OutgoingMail): Promise<void>;
  readonly kind: 'smtp' | 'folder';
  close(): void;
}

export interface SmtpOptions {
  readonly url: string;
  /** The name this server greets the relay with (EHLO). */
  readonly clientName?: string | undefined;
  /** Each stage of the conversation (connect, greeting, every reply) within this. */
  readonly timeoutMs: number;
}

/** The relay's reply code of a nodemailer failure, if it came from the relay. */
function replyCode(error: unknown): number | undefined {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' ? code : undefined;
}

export function smtpTransport(o: SmtpOptions): MailTransport {
  // One pooled connection, reused message after message (the sender sends one at a time).
  const transporter = nodemailer.createTransport({
    url: o.url,
    pool: true,
    maxConnections: 1,
    maxMessages: 100,
    ...(o.clientName ? { name: o.clientName } : {}),
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        await transporter.sendMail(mail);
      } catch (error) {
        const code = replyCode(error);
        // 5xx: the relay refuses for good (unknown mailbox, invalid address, policy). 4xx and
        // connection failures are worth another attempt.
        if (code !== undefined && code >= 500) throw new PermanentSendFailure(`${code} ${String((error as Error).message).slice(0, 200)}`);
        throw error;
      }
    },
    close: () => transporter.close(),
  };
}

/** The demo's transport: each message becomes `<messageId>.eml` in `dir`. */
export function folderTransport(dir: string): MailTransport {
  const writer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'folder',
    async send(mail) {
      const info = await writer.sendMail(mail);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, emlName(mail.messageId)), info.message as Buffer);
    },
    close: () => writer.close(),
  };
}

/** The file name of a message id: `<m12.order_received@host>` → `m12.order_received.eml`. */
export function emlName(messageId: string): string {
  return `${messageId.replace(/^<|@.*$/g, '').replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
}

/** Most .eml files a preview lists. */
export const MAX_PREVIEW_FILES = 50;

/** The newest .eml files of the folder (names sort by row id), at most MAX_PREVIEW_FILES. */
export function previewFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^m[0-9]+\.[a-z0-9_]+\.eml$/.test(n));
  } catch {
    return [];
  }
  const id = (n: string) => Number(n.slice(1, n.indexOf('.')));
  return names.sort((a, b) => id(b) - id(a)).slice(0, MAX_PREVIEW_FILES);
}

/** One .eml file's text, by a name previewFiles gave (anything else: undefined). */
export function previewFile(dir: string, name: string): string | undefined {
  if (!/^m[0-9]+\.[a-z0-9_]+\.eml$/.test(name)) return undefined;
  try {
    return readFileSync(join(dir, name), 'utf8');
  } catch {
    return undefined;
  }
}
