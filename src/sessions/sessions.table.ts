/** A signed-in browser: a reseller's API user in the console, or a customer in the portal. */
export interface WebSessionsTable {
  /** SHA-256 (base64url) of the cookie value; the value itself is never stored. */
  token_hash: string;
  kind: 'console' | 'portal';
  reseller_id: number | null;
  api_user_id: number | null;
  customer_id: number | null;
  /** The synchronizer token every form of this session must carry. */
  csrf: string;
  created_at: string;
  expires_at: string;
}
