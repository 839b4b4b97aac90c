import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileCache } from "./create-file-cache.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "loom-static-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, size: number, mtimeSeconds = 1_700_000_000): string {
  const path = join(dir, name);
  writeFileSync(path, "x".repeat(size));
  utimesSync(path, mtimeSeconds, mtimeSeconds);
  return path;
}

describe("createFileCache", () => {
  it("accepts files up to the per-file bound; 0 turns it off", () => {
    const cache = createFileCache({ maxFileBytes: 10, maxTotalBytes: 100 });
    expect(cache.accepts(10)).toBe(true);
    expect(cache.accepts(11)).toBe(false);
    expect(createFileCache({ maxFileBytes: 0, maxTotalBytes: 100 }).accepts(0)).toBe(false);
  });

  it("loads once, then serves hits without I/O while size and mtime match", async () => {
    const cache = createFileCache({ maxFileBytes: 100, maxTotalBytes: 100 });
    const path = file("a.txt", 5);
    const stats = statSync(path);
    expect(cache.get(path, stats)).toBeUndefined();
    const [first, second] = await Promise.all([cache.load(path, stats), cache.load(path, stats)]);
    expect(first).toBe(second);
    expect(first).toMatchObject({ size: 5, contentType: "text/plain; charset=utf-8" });
    expect(Buffer.from(first!.data).toString()).toBe("xxxxx");
    expect(cache.get(path, stats)).toBe(first);
    expect(cache.totalBytes).toBe(5);
  });

  it("misses when the file's mtime or size changed", async () => {
    const cache = createFileCache({ maxFileBytes: 100, maxTotalBytes: 100 });
    const path = file("a.txt", 5);
    await cache.load(path, statSync(path));
    utimesSync(path, 1_700_000_100, 1_700_000_100);
    expect(cache.get(path, statSync(path))).toBeUndefined();
    file("a.txt", 6, 1_700_000_100);
    const fresh = statSync(path);
    expect(cache.get(path, fresh)).toBeUndefined();
    const reloaded = await cache.load(path, fresh);
    expect(reloaded?.size).toBe(6);
    expect(cache.totalBytes).toBe(6);
    expect(cache.size).toBe(1);
  });

  it("evicts the oldest entries to stay within the total bound", async () => {
    const cache = createFileCache({ maxFileBytes: 40, maxTotalBytes: 100 });
    const paths = ["a", "b", "c"].map((name) => file(name, 40));
    for (const path of paths) await cache.load(path, statSync(path));
    expect(cache.totalBytes).toBe(80);
    expect(cache.get(paths[0]!, statSync(paths[0]!))).toBeUndefined();
    expect(cache.get(paths[1]!, statSync(paths[1]!))).toBeDefined();
    expect(cache.get(paths[2]!, statSync(paths[2]!))).toBeDefined();
  });

  it("does not cache a file whose size no longer matches its stats", async () => {
    const cache = createFileCache({ maxFileBytes: 100, maxTotalBytes: 100 });
    const path = file("a.txt", 5);
    const stale = statSync(path);
    writeFileSync(path, "longer contents");
    expect(await cache.load(path, stale)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("rejects when the file is gone", async () => {
    const cache = createFileCache({ maxFileBytes: 100, maxTotalBytes: 100 });
    const path = file("a.txt", 5);
    const stats = statSync(path);
    rmSync(path);
    await expect(cache.load(path, stats)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
