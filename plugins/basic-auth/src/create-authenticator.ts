import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { hashPassword, parsePasswordHash, verifyParsedPassword } from "./password-hash.ts";
import type { ParsedPasswordHash } from "./password-hash.ts";
import { createVerificationCache } from "./verification-cache.ts";

export interface Account {
  readonly username: string;
  /** An scrypt hash as made by hashPassword. */
  readonly password: string;
}

export interface Authenticator {
  /** Resolves true when the username names an account and the password matches its hash. */
  authenticate(username: string, password: string): Promise<boolean>;
  /** Derives the dummy hash up front (one scrypt run), so the first unknown user is not slower. */
  prepare(): Promise<void>;
}

/**
 * Checks credentials against a fixed account list without leaking through timing which usernames exist:
 * the username is compared as a SHA-256 digest against every account with timingSafeEqual, and an unknown
 * user is verified against a dummy hash with the first account's cost, so it costs the same as a wrong
 * password. Successes are cached (see createVerificationCache).
 */
export function createAuthenticator(accounts: readonly Account[], options: { cacheSize: number }): Authenticator {
  if (accounts.length === 0) throw new Error("basic_auth needs at least one account");
  const entries = accounts.map((account) => {
    const hash = parsePasswordHash(account.password);
    if (typeof hash === "string") throw new Error(`account "${account.username}": invalid password hash: ${hash}`);
    return { digest: usernameDigest(account.username), hash };
  });
  const cache = createVerificationCache(options.cacheSize);
  const first = entries[0]!.hash;
  let dummy: Promise<ParsedPasswordHash> | undefined;
  const dummyHash = () =>
    (dummy ??= hashPassword(randomBytes(16).toString("base64"), first).then((text) => parsePasswordHash(text) as ParsedPasswordHash));

  return {
    async prepare() {
      await dummyHash();
    },
    async authenticate(username, password) {
      const user = username.normalize("NFC");
      if (cache.has(user, password)) return true;
      const digest = usernameDigest(user);
      let match: ParsedPasswordHash | undefined;
      // No early exit: every account is compared, whichever matches.
      for (const entry of entries) {
        if (timingSafeEqual(digest, entry.digest)) match = entry.hash;
      }
      const ok = await verifyParsedPassword(password, match ?? (await dummyHash()));
      if (!ok || match === undefined) return false;
      cache.add(user, password);
      return true;
    },
  };
}

function usernameDigest(username: string): Buffer {
  return createHash("sha256").update(username.normalize("NFC"), "utf8").digest();
}
