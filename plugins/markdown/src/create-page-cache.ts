import type { Stats } from "node:fs";

/** A rendered page, valid while its source's size and modification time stay the same. */
export interface CachedPage {
  readonly size: number;
  readonly mtimeMs: number;
  readonly page: Buffer<ArrayBuffer>;
}

export interface PageCacheOptions {
  /** The bound on the number of pages kept. */
  readonly maxEntries: number;
  /** The bound on all rendered bytes kept. */
  readonly maxTotalBytes: number;
}

export interface PageCache {
  /** The page rendered from `path` if its source still matches `stats`. */
  get(path: string, stats: Stats): CachedPage | undefined;
  /** Keeps a page, evicting the oldest ones to stay within the bounds; a page above the byte bound is not kept. */
  set(path: string, page: CachedPage): void;
  /** Pages currently kept. */
  readonly size: number;
}

/** Creates a bounded cache of rendered pages keyed by source path, checked against size and mtime. */
export function createPageCache(options: PageCacheOptions): PageCache {
  const entries = new Map<string, CachedPage>();
  let totalBytes = 0;

  const remove = (path: string) => {
    const entry = entries.get(path);
    if (entry === undefined) return;
    entries.delete(path);
    totalBytes -= entry.page.length;
  };

  return {
    get(path, stats) {
      const entry = entries.get(path);
      return entry !== undefined && entry.size === stats.size && entry.mtimeMs === stats.mtimeMs ? entry : undefined;
    },
    set(path, page) {
      remove(path);
      if (page.page.length > options.maxTotalBytes || options.maxEntries <= 0) return;
      for (const oldest of entries.keys()) {
        if (entries.size < options.maxEntries && totalBytes + page.page.length <= options.maxTotalBytes) break;
        remove(oldest);
      }
      entries.set(path, page);
      totalBytes += page.page.length;
    },
    get size() {
      return entries.size;
    },
  };
}
