// Remembers credentials this process has already proven, so a returning customer does not pay
// for argon2id on every order. Keys are SHA-256(process secret, name NUL password): the
// password itself is never kept. An entry is valid only while the stored hash is unchanged, so
// a password change (or another process changing it) invalidates it at once.
import { hash, randomBytes } from 'node:crypto';

export class CredentialCache {
  private readonly secret = randomBytes(32).toString('base64');
  private readonly entries = new Map<string, { hash: string; id: number | undefined }>();

  constructor(private readonly maxEntries: number) {}

  private key(loginName: string, password: string): string {
    // SHA-256 over the secret and the credentials: as good a lookup key as an HMAC here (the
    // keys never leave the process), without an HMAC object per order (2 µs against 0.4 µs).
    return hash('sha256', `${this.secret}${loginName}\0${password}`, 'base64');
  }

  /** True when this name and password were proven against exactly this stored hash. */
  proven(loginName: string, password: string, storedHash: string): boolean {
    if (this.maxEntries === 0) return false;
    const k = this.key(loginName, password);
    return this.take(k)?.hash === storedHash;
  }

  /**
   * The account (id and the hash the password was proven against) these credentials were last
   * proven for, if remembered with its id. The caller must still check that the stored hash is
   * unchanged, in the transaction that relies on it.
   */
  recall(loginName: string, password: string): { hash: string; id: number } | undefined {
    if (this.maxEntries === 0) return undefined;
    const entry = this.take(this.key(loginName, password));
    return entry?.id === undefined ? undefined : { hash: entry.hash, id: entry.id };
  }

  private take(k: string): { hash: string; id: number | undefined } | undefined {
    const entry = this.entries.get(k);
    if (entry === undefined) return undefined;
    // Refresh recency (a Map iterates in insertion order: the first key is the oldest).
    this.entries.delete(k);
    this.entries.set(k, entry);
    return entry;
  }

  remember(loginName: string, password: string, storedHash: string, id?: number): void {
    if (this.maxEntries === 0) return;
    const k = this.key(loginName, password);
    this.entries.delete(k);
    this.entries.set(k, { hash: storedHash, id });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(loginName: string, password: string): void {
    this.entries.delete(this.key(loginName, password));
  }

  get size(): number {
    return this.entries.size;
  }
}
