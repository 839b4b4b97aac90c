import { describe, expect, it } from "vitest";
import { DEFAULT_SCRYPT_COST, hashPassword, parsePasswordHash, verifyPassword } from "./password-hash.ts";

const FORMAT = /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

describe("hashPassword / verifyPassword", () => {
  it("round-trips a password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse");
    expect(hash).toMatch(FORMAT);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horse ", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same"), hashPassword("same")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same", b)).toBe(true);
  });

  it("treats composed and decomposed UTF-8 passwords alike (NFC)", async () => {
    const hash = await hashPassword("caf\u00e9");
    expect(await verifyPassword("cafe\u0301", hash)).toBe(true);
    expect(await verifyPassword("cafe", hash)).toBe(false);
  });

  it("keeps the cost parameters in the hash", async () => {
    const hash = await hashPassword("pw", { N: 2 ** 14, r: 4, p: 2 });
    expect(hash.startsWith("scrypt$16384$4$2$")).toBe(true);
    expect(await verifyPassword("pw", hash)).toBe(true);
    expect(DEFAULT_SCRYPT_COST).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it("refuses to verify against a malformed hash, saying how to make one", async () => {
    await expect(verifyPassword("pw", "hunter2")).rejects.toThrow(/invalid password hash: expected "scrypt\$<N>.*loom-hash-password/);
  });
});

describe("parsePasswordHash", () => {
  const salt = Buffer.alloc(16, 1).toString("base64");
  const key = Buffer.alloc(32, 2).toString("base64");

  it("accepts a well-formed hash", () => {
    const parsed = parsePasswordHash(`scrypt$16384$8$1$${salt}$${key}`);
    expect(typeof parsed).toBe("object");
    expect(parsed).toMatchObject({ N: 16384, r: 8, p: 1 });
  });

  it.each([
    ["a plain password", "hunter2", /expected "scrypt/],
    ["another algorithm", `bcrypt$16384$8$1$${salt}$${key}`, /expected "scrypt/],
    ["N not a power of two", `scrypt$20000$8$1$${salt}$${key}`, /N must be a power of two/],
    ["N too small", `scrypt$1024$8$1$${salt}$${key}`, /N must be a power of two from 16384/],
    ["N with a sign", `scrypt$+16384$8$1$${salt}$${key}`, /N must be/],
    ["r of zero", `scrypt$16384$0$1$${salt}$${key}`, /r must be/],
    ["p too large", `scrypt$16384$8$99$${salt}$${key}`, /p must be/],
    ["too much memory", `scrypt$1048576$32$1$${salt}$${key}`, /256 MiB/],
    ["a salt that is not base64", `scrypt$16384$8$1$not*base64$${key}`, /salt must be base64/],
    ["a short salt", `scrypt$16384$8$1$AAAA$${key}`, /salt must be base64 of at least 8 bytes/],
    ["a short hash", `scrypt$16384$8$1$${salt}$AAAA`, /hash must be base64 of 16 to 128 bytes/],
    ["a missing part", `scrypt$16384$8$${salt}$${key}`, /expected "scrypt/],
  ])("rejects %s", (_name, text, message) => {
    const parsed = parsePasswordHash(text);
    expect(typeof parsed).toBe("string");
    expect(parsed).toMatch(message);
  });
});
