// Proving a password: the one door for customers and API users alike (issue 13, findings 3–7).
//
// - Failures are counted per login name, in the database (login_throttle), for names that
//   exist and names that do not, so a lock says nothing about whether an account exists.
// - A locked name is refused before any hash is computed, whatever the password: no timing
//   tells a right guess from a wrong one, and no remembered credential answers for it.
// - An unknown name costs one verification against a dummy hash of the same cost.
// - The checks that cost a hash run one at a time per login name in a process, each after
//   reading the lock anew: a burst of concurrent guesses gets no more checks than a sequence.
// - Every hash runs in the caller's own fair share of the hashing pool (src/passwords/hasher.ts).
// - Every refusal is the same -16, byte for byte; the callers make sure of that.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../db/store.js';
import type { CredentialCache } from './credential-cache.js';
import type { Hasher } from './hasher.js';
import { clearThrottle, recordFailure, throttleOf, type ThrottleState } from './throttle.repository.js';
import type { LoginRealm } from './throttle.table.js';

export interface ThrottlePolicy {
  /** Failures in a row that lock a login name. */
  readonly threshold: number;
  readonly lockSeconds: number;
}

/** One attempt to prove a password: who, with what, from where. */
export interface Attempt {
  readonly realm: LoginRealm;
  readonly loginName: string;
  readonly password: string;
  /** The client's address: whose share of the hashing pool pays for the proof. */
  readonly source: string;
}

/** A login name as found: its account (if any) and its throttle state (if any). */
export interface Login<A extends { readonly id: number; readonly passwordHash: string }> {
  readonly account: A | undefined;
  readonly throttle: ThrottleState | undefined;
}

export interface ProverDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly hasher: Hasher;
  readonly credentials: CredentialCache;
  readonly policy: ThrottlePolicy;
}

/** What became of a proof: the counts behind `placeorder_password_proofs_total` (/metrics). */
export type ProofOutcome = 'proven' | 'wrong' | 'unknown' | 'locked' | 'outside-allowlist' | 'refused';

export class PasswordProver {
  private dummy: Promise<string> | undefined;
  /** `realm NUL outcome` → count, since the process started. */
  readonly outcomes = new Map<string, number>();
  /** Per login name, the end of the last check waiting or running (`inTurn`); only names in use. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(private readonly deps: ProverDeps) {}

  /** Reads a login name's throttle state and account together, before any hash. */
  async find<A extends { readonly id: number; readonly passwordHash: string }>(
    realm: LoginRealm,
    loginName: string,
    account: () => Promise<A | undefined>,
  ): Promise<Login<A>> {
    const [found, throttle] = await Promise.all([account(), throttleOf(this.deps.store.db, realm, loginName)]);
    return { account: found, throttle };
  }

  /** True while the name is locked; `at` is an ISO time (a transaction's own clock). */
  static isLocked(lockedUntil: string | null | undefined, at: string): boolean {
    return lockedUntil !== null && lockedUntil !== undefined && lockedUntil > at;
  }

  /** True while `login`'s name is locked: it is refused before any hash. */
  locked(login: Login<{ id: number; passwordHash: string }>): boolean {
    return PasswordProver.isLocked(login.throttle?.lockedUntil, this.deps.clock.now().toISOString());
  }

  /** The hash of a new account's password, computed in the caller's share of the pool. */
  hashNew(attempt: Attempt): Promise<string> {
    return this.deps.hasher.hash(attempt.password, attempt.source);
  }

  /**
   * The account when `attempt` proves the password of `login`'s account, else undefined.
   * `admitted: false` (an API user's address outside its allowlist) refuses after a dummy
   * verification that is not counted, so that nobody outside the allowlist can lock the user
   * (finding 7).
   */
  async prove<A extends { readonly id: number; readonly passwordHash: string }>(
    attempt: Attempt,
    login: Login<A>,
    { admitted = true }: { admitted?: boolean } = {},
  ): Promise<A | undefined> {
    if (this.locked(login)) return this.outcome(attempt, 'locked');
    if (!admitted) {
      await this.dummyVerify(attempt);
      return this.outcome(attempt, 'outside-allowlist');
    }
    const account = login.account;
    if (account !== undefined && this.remembered(attempt, account)) {
      if ((login.throttle?.failures ?? 0) > 0) await this.clear(attempt);
      return this.proven(attempt, account);
    }
    return this.inTurn(attempt, () => this.check(attempt, account));
  }

  /**
   * The check of a password that costs a hash, one at a time per login name in this process: a
   * burst of concurrent guesses is checked in turn, so the lock that the fifth failure sets stops
   * the rest before their hash (outside attack, finding 4), while a burst of right passwords costs
   * one hash, the others finding it remembered when their turn comes.
   */
  private async check<A extends { readonly id: number; readonly passwordHash: string }>(attempt: Attempt, account: A | undefined): Promise<A | undefined> {
    if (account !== undefined && this.remembered(attempt, account)) return this.proven(attempt, account);
    const throttle = await throttleOf(this.deps.store.db, attempt.realm, attempt.loginName);
    if (PasswordProver.isLocked(throttle?.lockedUntil, this.deps.clock.now().toISOString())) return this.outcome(attempt, 'locked');
    // An unknown name costs what a known one does, in turn as a known one is checked.
    if (account === undefined) {
      await this.dummyVerify(attempt);
      await this.countFailure(attempt);
      return this.outcome(attempt, 'unknown');
    }
    if (!(await this.deps.hasher.verify(account.passwordHash, attempt.password, attempt.source))) {
      await this.countFailure(attempt);
      return this.outcome(attempt, 'wrong');
    }
    this.deps.credentials.remember(cacheName(attempt), attempt.password, account.passwordHash, account.id);
    if ((throttle?.failures ?? 0) > 0) await this.clear(attempt);
    return this.proven(attempt, account);
  }

  /**
   * Refuses an attempt that cannot succeed, as a wrong password would be refused: the same
   * cost, counted (a new customer's order naming a licence no new account can own, finding 5).
   */
  async refuse(attempt: Attempt, login: Login<{ id: number; passwordHash: string }>): Promise<void> {
    if (this.locked(login)) return this.outcome(attempt, 'locked');
    await this.dummyVerify(attempt);
    await this.countFailure(attempt);
    this.outcome(attempt, 'refused');
  }

  /** The account these credentials were last proven for in this process, if remembered. */
  recall(attempt: Omit<Attempt, 'source'>): { hash: string; id: number } | undefined {
    return this.deps.credentials.recall(cacheName(attempt), attempt.password);
  }

  /** Forgets a remembered credential that no longer matches its account. */
  forget(attempt: Omit<Attempt, 'source'>): void {
    this.deps.credentials.forget(cacheName(attempt), attempt.password);
  }

  private outcome(attempt: Attempt, outcome: ProofOutcome): undefined {
    const key = `${attempt.realm}\u0000${outcome}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    return undefined;
  }

  private async countFailure(attempt: Attempt): Promise<void> {
    const now = this.deps.clock.now();
    const until = new Date(now.getTime() + this.deps.policy.lockSeconds * 1000).toISOString();
    const { threshold } = this.deps.policy;
    await this.deps.store.write((tx) => recordFailure(tx, attempt.realm, attempt.loginName, threshold, until, now.toISOString()));
  }

  private remembered(attempt: Attempt, account: { passwordHash: string }): boolean {
    return this.deps.credentials.proven(cacheName(attempt), attempt.password, account.passwordHash);
  }

  /** Runs `task` after every earlier task of the same login name in this process has ended. */
  private async inTurn<T>(attempt: Attempt, task: () => Promise<T>): Promise<T> {
    const key = cacheName(attempt);
    const previous = this.turns.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.turns.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.turns.get(key) === tail) this.turns.delete(key);
    }
  }

  /** A proven password ends the count. */
  private async clear(attempt: Attempt): Promise<void> {
    await this.deps.store.write((tx) => clearThrottle(tx, attempt.realm, attempt.loginName));
  }

  private proven<A>(attempt: Attempt, account: A): A {
    this.outcome(attempt, 'proven');
    return account;
  }

  /** A real verification (same cost as a real one) against a hash of a random password. */
  private async dummyVerify(attempt: Attempt): Promise<void> {
    if (this.dummy === undefined) {
      const made = this.deps.hasher.hash(randomBytes(24).toString('base64'), attempt.source);
      // A hash refused (the pool was full) is made again next time, not remembered as failed.
      made.catch(() => (this.dummy = undefined));
      this.dummy = made;
    }
    await this.deps.hasher.verify(await this.dummy, attempt.password, attempt.source);
  }
}

/** Customers and API users may share a login name; their remembered credentials never do. */
function cacheName(attempt: Omit<Attempt, 'source'>): string {
  return `${attempt.realm}\u0000${attempt.loginName}`;
}
