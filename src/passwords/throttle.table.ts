// Failed password proofs per login name (migration 007_trust; src/passwords/prover.ts).
export type LoginRealm = 'customer' | 'api-user';

export interface LoginThrottleTable {
  realm: LoginRealm;
  login_name: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}
