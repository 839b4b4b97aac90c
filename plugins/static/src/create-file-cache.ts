import { readFile } from "node:fs/promises";
import type { Stats } from "node:fs";
import { describeFile } from "./describe-file.ts";
import type { FileDescription } from "./describe-file.ts";

/** A file's description and contents held in memory, valid while its size and modification time stay the same. */
export interface CachedFile extends FileDescription {
  readonly data: Buffer<ArrayBuffer>;
}

export interface FileCacheOptions {
  /** Files larger than this are not cached. */
  readonly maxFileBytes: number;
  /** The bound on all cached contents together. */
  readonly maxTotalBytes: number;
}

export interface FileCache {
  /** Whether a file of this size may be cached at all. */
  accepts(size: number): boolean;
  /** The cached contents of `path` if they still match `stats`, without I/O. */
  get(path: string, stats: Stats): CachedFile | undefined;
  /**
   * Reads `path` into the cache; undefined when the file changed while it was read. Concurrent loads of
   * the same version share one read. Read errors (ENOENT, EACCES) reject.
   */
  load(path: string, stats: Stats): Promise<CachedFile | undefined>;
  /** Bytes currently cached. */
  readonly totalBytes: number;
  /** Entries currently cached. */
  readonly size: number;
}

/**
 * Creates an in-memory cache of small files keyed by path, checked against size and modification time on
 * every hit. When the total would pass its bound, the oldest entries are evicted first.
 */
export function createFileCache(options: FileCacheOptions): FileCache {
  const entries = new Map<string, CachedFile>();
  const loading = new Map<string, Promise<CachedFile | undefined>>();
  let totalBytes = 0;

  const remove = (path: string) => {
    const entry = entries.get(path);
    if (entry === undefined) return;
    entries.delete(path);
    totalBytes -= entry.size;
  };

  const insert = (path: string, entry: CachedFile) => {
    remove(path);
    for (const oldest of entries.keys()) {
      if (totalBytes + entry.size <= options.maxTotalBytes) break;
      remove(oldest);
    }
    entries.set(path, entry);
    totalBytes += entry.size;
  };

  const read = async (path: string, stats: Stats): Promise<CachedFile | undefined> => {
    const data = (await readFile(path)) as Buffer<ArrayBuffer>;
    if (data.length !== stats.size) return undefined;
    const entry: CachedFile = { ...describeFile(path, stats), data };
    insert(path, entry);
    return entry;
  };

  return {
    accepts: (size) => options.maxFileBytes > 0 && size <= options.maxFileBytes && size <= options.maxTotalBytes,
    get(path, stats) {
      const entry = entries.get(path);
      return entry !== undefined && entry.size === stats.size && entry.mtimeMs === stats.mtimeMs ? entry : undefined;
    },
    load(path, stats) {
      const key = `${path}\0${stats.size}\0${stats.mtimeMs}`;
      let pending = loading.get(key);
      if (pending === undefined) {
        pending = read(path, stats).finally(() => loading.delete(key));
        loading.set(key, pending);
      }
      return pending;
    },
    get totalBytes() {
      return totalBytes;
    },
    get size() {
      return entries.size;
    },
  };
}
