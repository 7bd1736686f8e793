import type { Generated } from 'kysely';

// Booleans are integers 0/1 on both dialects; times are ISO-8601 UTC text (sortable).
export interface ResellersTable {
  id: Generated<number>;
  ap: string;
  validated: number;
  suspended: number;
  sandbox: number;
  /** JSON array of permitted PPP codes, or null for the whole catalog. */
  permitted_ppp: string | null;
  credit_limit_cents: number;
  currency: string;
  redirect_secret: string | null;
  created_at: string;
  /** Brand of the emails to its customers (src/notifications, migration 010). */
  mail_sender_name: string | null;
  mail_reply_to: string | null;
  mail_footer: string | null;
  /** Where the reseller's own notices go; none are written without it. */
  mail_notices_to: string | null;
  funds_threshold_cents: number | null;
}

export interface RedirectOriginsTable {
  reseller_id: number;
  origin: string;
}

/** Origins of redirect targets a reseller has not registered, as seen (migration 007_trust). */
export interface RedirectOriginSightingsTable {
  reseller_id: number;
  origin: string;
  first_seen_at: string;
  last_seen_at: string;
  hits: number;
  last_order_id: number | null;
}

export interface ApiUsersTable {
  id: Generated<number>;
  reseller_id: number;
  login_name: string;
  password_hash: string;
  /** JSON array of CIDR blocks the user may call from; null allows every address. */
  ip_allow: string | null;
  password_changed_at: string;
  created_at: string;
}
