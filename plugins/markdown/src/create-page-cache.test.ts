import type { Stats } from "node:fs";
import { describe, expect, it } from "vitest";
import { createPageCache } from "./create-page-cache.ts";

const stats = (size: number, mtimeMs: number) => ({ size, mtimeMs }) as Stats;
const page = (size: number, mtimeMs: number, bytes = 10) => ({ size, mtimeMs, page: Buffer.alloc(bytes) as Buffer<ArrayBuffer> });

describe("createPageCache", () => {
  it("returns a page while its source's size and mtime match", () => {
    const cache = createPageCache({ maxEntries: 10, maxTotalBytes: 1000 });
    const entry = page(5, 100);
    cache.set("/a.md", entry);
    expect(cache.get("/a.md", stats(5, 100))).toBe(entry);
    expect(cache.get("/a.md", stats(5, 101))).toBeUndefined();
    expect(cache.get("/a.md", stats(6, 100))).toBeUndefined();
    expect(cache.get("/b.md", stats(5, 100))).toBeUndefined();
  });

  it("evicts the oldest pages past the entry or byte bound", () => {
    const cache = createPageCache({ maxEntries: 2, maxTotalBytes: 25 });
    cache.set("/a.md", page(1, 1));
    cache.set("/b.md", page(1, 1));
    cache.set("/c.md", page(1, 1));
    expect(cache.size).toBe(2);
    expect(cache.get("/a.md", stats(1, 1))).toBeUndefined();
    cache.set("/d.md", page(1, 1, 20));
    expect(cache.size).toBe(1);
    expect(cache.get("/d.md", stats(1, 1))).toBeDefined();
  });

  it("replaces a path's page and skips pages above the byte bound", () => {
    const cache = createPageCache({ maxEntries: 10, maxTotalBytes: 25 });
    cache.set("/a.md", page(1, 1));
    cache.set("/a.md", page(2, 2));
    expect(cache.size).toBe(1);
    cache.set("/big.md", page(1, 1, 26));
    expect(cache.get("/big.md", stats(1, 1))).toBeUndefined();
  });
});
