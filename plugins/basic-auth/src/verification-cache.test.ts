import { describe, expect, it } from "vitest";
import { createVerificationCache } from "./verification-cache.ts";

describe("createVerificationCache", () => {
  it("remembers exact credentials only", () => {
    const cache = createVerificationCache(10);
    cache.add("alice", "secret");
    expect(cache.has("alice", "secret")).toBe(true);
    expect(cache.has("alice", "Secret")).toBe(false);
    expect(cache.has("alic", "esecret")).toBe(false);
  });

  it("stays within its bound, evicting the least recently used entry", () => {
    const cache = createVerificationCache(3);
    for (let i = 0; i < 3; i++) cache.add(`user${i}`, "pw");
    expect(cache.has("user0", "pw")).toBe(true); // user1 is now the least recently used
    cache.add("user3", "pw");
    expect(cache.size).toBe(3);
    expect(cache.has("user1", "pw")).toBe(false);
    expect(cache.has("user0", "pw")).toBe(true);
    expect(cache.has("user3", "pw")).toBe(true);
    for (let i = 0; i < 100; i++) cache.add(`many${i}`, "pw");
    expect(cache.size).toBe(3);
  });

  it("is disabled by a size of 0", () => {
    const cache = createVerificationCache(0);
    cache.add("alice", "secret");
    expect(cache.has("alice", "secret")).toBe(false);
    expect(cache.size).toBe(0);
  });
});
