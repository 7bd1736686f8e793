// Stored answers of requests sent with an Idempotency-Key (migration 004_hardening).
export type IdempotencyState = 'running' | 'done';

export interface IdempotencyKeysTable {
  scope: string;
  idem_key: string;
  endpoint: string;
  salt: string;
  fingerprint: string;
  state: IdempotencyState;
  owner: string;
  claimed_at: string;
  expires_at: string;
  status: number | null;
  content_type: string | null;
  location: string | null;
  body: string | null;
  /** The stored answer's errorCode (migration 007_trust). */
  error_code: number | null;
  /** The stored answer's own headers, as JSON (a page's security headers), or null. */
  headers: string | null;
}
