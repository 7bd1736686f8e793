import type { Generated } from 'kysely';

export interface CustomersTable {
  id: Generated<number>;
  /** Case-sensitive, unique. */
  login_name: string;
  /** argon2id PHC string. */
  password_hash: string;
  email_address: string;
  /** JSON object of the latest contact details (name, address, company). */
  details_json: string;
  created_at: string;
  updated_at: string;
}
