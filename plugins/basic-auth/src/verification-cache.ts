import { createHmac, randomBytes } from "node:crypto";

/** A bounded set of credentials already verified, so a client does not pay scrypt on every request. */
export interface VerificationCache {
  /** True when these exact credentials were verified before and not evicted since. */
  has(username: string, password: string): boolean;
  /** Records credentials that verified; evicts the least recently used entry beyond the bound. */
  add(username: string, password: string): void;
  readonly size: number;
}

/**
 * Creates an LRU of successful verifications keyed by HMAC-SHA256(random per-instance key, user:password).
 * The trade-off: a hit skips scrypt, so a known-good password is checked with one HMAC instead of the
 * slow hash, and a digest of it stays in memory until evicted or the instance is replaced (every config
 * reload creates a new instance and so a new, empty cache). The HMAC key never leaves the process, so
 * the entries are useless for an offline guess on their own. Only successes are cached: wrong passwords
 * always pay the full scrypt cost. `maxEntries` 0 disables the cache.
 */
export function createVerificationCache(maxEntries: number): VerificationCache {
  const key = randomBytes(32);
  const entries = new Map<string, true>();
  const digest = (username: string, password: string) =>
    createHmac("sha256", key).update(`${username}:${password}`, "utf8").digest("base64");

  return {
    has(username, password) {
      if (maxEntries === 0) return false;
      const id = digest(username, password);
      if (!entries.has(id)) return false;
      entries.delete(id);
      entries.set(id, true);
      return true;
    },
    add(username, password) {
      if (maxEntries === 0) return;
      const id = digest(username, password);
      entries.delete(id);
      entries.set(id, true);
      // One insertion can exceed the bound by one at most, so a single eviction keeps it.
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
