// The email settings (docs/notifications.md): the relay, the sender, the demo's folder, and the
// sender's timing.
import { ConfigError, int, type Env } from './config-values.js';

export interface MailConfig {
  /** smtp:// or smtps:// URL of the relay (may hold a password: never logged); empty: none. */
  readonly smtpUrl: string;
  /** The From address; the reseller's sender name is its display name. */
  readonly from: string;
  /** The demo without a relay writes messages here as .eml files. */
  readonly dir: string;
  /** Where links in messages point (unsubscribe, renewal, console); empty: http://HOST:PORT. */
  readonly publicUrl: string;
  /** The name this server greets the relay with (EHLO); empty: the machine's name. */
  readonly smtpName: string;
  /** Each stage of an SMTP conversation must answer within this. */
  readonly timeoutMs: number;
  /** A sender holds a message this long; it must outlast a whole conversation (8 stages). */
  readonly leaseSeconds: number;
  readonly pollMs: number;
  /** How often the scheduler looks for reminders, digests and failing webhooks. */
  readonly scanMs: number;
}

export const MAIL_DEFAULTS: MailConfig = Object.freeze({
  smtpUrl: '',
  from: 'placeorder@localhost',
  dir: './data/mail',
  publicUrl: '',
  smtpName: '',
  timeoutMs: 20_000,
  leaseSeconds: 300,
  pollMs: 1000,
  scanMs: 60_000,
});

export function mailConfig(env: Env): MailConfig {
  const d = MAIL_DEFAULTS;
  const smtpUrl = env.PLACEORDER_SMTP_URL ?? d.smtpUrl;
  if (smtpUrl !== '' && !/^smtps?:\/\/[^\s]+$/i.test(smtpUrl)) throw new ConfigError('PLACEORDER_SMTP_URL must be an smtp:// or smtps:// URL');
  const publicUrl = (env.PLACEORDER_PUBLIC_URL ?? d.publicUrl).replace(/\/+$/, '');
  if (publicUrl !== '' && !/^https?:\/\/[^\s/]+$/i.test(publicUrl)) throw new ConfigError('PLACEORDER_PUBLIC_URL must be http(s)://HOST[:PORT] and nothing else');
  const from = env.PLACEORDER_MAIL_FROM ?? d.from;
  if (!/^[^\s@<>",]+@[^\s@<>",]+$/.test(from)) throw new ConfigError('PLACEORDER_MAIL_FROM must be a plain address such as orders@example.com');
  const timeoutMs = int('PLACEORDER_SMTP_TIMEOUT_MS', env.PLACEORDER_SMTP_TIMEOUT_MS, d.timeoutMs, 100, 120_000);
  const leaseSeconds = int('PLACEORDER_MAIL_LEASE_SECONDS', env.PLACEORDER_MAIL_LEASE_SECONDS, d.leaseSeconds, 1, 3_600);
  if (leaseSeconds * 1000 <= 8 * timeoutMs) throw new ConfigError('PLACEORDER_MAIL_LEASE_SECONDS must exceed eight SMTP time limits (PLACEORDER_SMTP_TIMEOUT_MS): a lease that ends mid-send lets a second process send again');
  return Object.freeze({
    smtpUrl,
    from,
    dir: env.PLACEORDER_MAIL_DIR || d.dir,
    publicUrl,
    smtpName: env.PLACEORDER_SMTP_NAME ?? d.smtpName,
    timeoutMs,
    leaseSeconds,
    pollMs: int('PLACEORDER_MAIL_POLL_MS', env.PLACEORDER_MAIL_POLL_MS, d.pollMs, 50, 60_000),
    scanMs: int('PLACEORDER_MAIL_SCAN_MS', env.PLACEORDER_MAIL_SCAN_MS, d.scanMs, 100, 3_600_000),
  });
}
