import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { ScryptOptions } from "node:crypto";

/**
 * Password hashes in the form `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`: scrypt's cost parameters
 * travel with the hash, so the defaults can be raised later without invalidating existing hashes.
 */

/** Cost parameters of new hashes: 32 MiB of memory and tens of milliseconds per verification. */
export const DEFAULT_SCRYPT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const MIN_SALT_BYTES = 8;
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 128;
/** Upper bound on the memory one verification may take, so a config cannot exhaust the host. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

/** How to make a hash, appended to every message about a malformed one. */
export const HASH_HINT =
  "make one with `loom-hash-password` (reads the password on stdin, prints the hash) or hashPassword() from @loom/plugin-basic-auth";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface ParsedPasswordHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Parses a stored hash; returns a reason string instead of throwing when it is malformed. */
export function parsePasswordHash(text: string): ParsedPasswordHash | string {
  const parts = text.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") {
    return 'expected "scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>" (a hash, not the plain password)';
  }
  const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  const [N, r, p] = [nText, rText, pText].map((value) => (/^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : Number.NaN)) as [
    number,
    number,
    number,
  ];
  if (!(N >= MIN_N && N <= MAX_N && (N & (N - 1)) === 0)) return `scrypt N must be a power of two from ${MIN_N} to ${MAX_N}`;
  if (!(r >= 1 && r <= MAX_R)) return `scrypt r must be from 1 to ${MAX_R}`;
  if (!(p >= 1 && p <= MAX_P)) return `scrypt p must be from 1 to ${MAX_P}`;
  if (scryptMemory(N, r, p) > MAX_SCRYPT_MEMORY) return "scrypt N and r ask for more than 256 MiB of memory";
  const salt = decodeBase64(saltText);
  if (!salt || salt.length < MIN_SALT_BYTES) return `the salt must be base64 of at least ${MIN_SALT_BYTES} bytes`;
  const hash = decodeBase64(hashText);
  if (!hash || hash.length < MIN_KEY_BYTES || hash.length > MAX_KEY_BYTES) {
    return `the hash must be base64 of ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`;
  }
  return { N, r, p, salt, hash };
}

/** The cost parameters of a stored hash, e.g. to derive a dummy hash of the same cost. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * Hashes a password with scrypt and a random salt, in the format the basic_auth config expects.
 * `cost` defaults to {@link DEFAULT_SCRYPT_COST}.
 */
export async function hashPassword(plain: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(plain, salt, KEY_BYTES, cost);
  const text = `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString("base64")}$${hash.toString("base64")}`;
  const parsed = parsePasswordHash(text);
  if (typeof parsed === "string") throw new Error(`invalid scrypt cost: ${parsed}`);
  return text;
}

/**
 * Checks a password against a stored hash in constant time (for a given hash). Resolves false for a
 * wrong password and rejects only when the stored hash itself is malformed.
 */
export async function verifyPassword(plain: string, hash: string): Promise<boolean> {
  const parsed = parsePasswordHash(hash);
  if (typeof parsed === "string") throw new Error(`invalid password hash: ${parsed}; ${HASH_HINT}`);
  return verifyParsedPassword(plain, parsed);
}

/** verifyPassword for a hash parsed once up front (the middleware parses its accounts at creation). */
export async function verifyParsedPassword(plain: string, parsed: ParsedPasswordHash): Promise<boolean> {
  const actual = await derive(plain, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(actual, parsed.hash);
}

function derive(plain: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: scryptMemory(cost.N, cost.r, cost.p) + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize("NFC"), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The memory OpenSSL's scrypt needs: 128 * r * (N + p + 2) bytes. */
function scryptMemory(N: number, r: number, p: number): number {
  return 128 * r * (N + p + 2);
}

/** Strict base64 (standard alphabet, optional padding): rejects what Buffer.from would silently skip. */
function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.replace(/=+$/, "").length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64").replace(/=+$/, "") === text.replace(/=+$/, "") ? bytes : undefined;
}
