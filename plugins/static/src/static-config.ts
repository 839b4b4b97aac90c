import * as z from "@loom/sdk/z";

/** 1 MiB: files up to this size are kept in memory by default. */
export const DEFAULT_CACHE_MAX_BYTES = 1024 * 1024;
/** 64 MiB: the default bound on all cached file contents together. */
export const DEFAULT_CACHE_TOTAL_BYTES = 64 * 1024 * 1024;

/** A file name without folders, such as `index.html`. */
const FileNameSchema = z
  .string()
  .min(1)
  .refine((name) => !/[/\\\0]/.test(name) && name !== "." && name !== "..", "must be a plain file name, without folders")
  .describe("A file name inside the requested folder, e.g. index.html.");

/** A path prefix such as `/files` (a trailing slash is ignored). */
const PrefixSchema = z.string().regex(/^\/[^?#\0\\]*$/, "must start with / and hold no ?, #, NUL or backslash");

/** The config of `http.handlers.static`. */
export const StaticConfigSchema = z.strictObject({
  root: z.string().min(1).describe("The folder to serve; a relative path is resolved against the working directory at provision."),
  index: z
    .array(FileNameSchema)
    .default(["index.html"])
    .describe("File names tried, in order, when a folder is requested."),
  cacheMaxBytes: z
    .number()
    .int()
    .min(0)
    .default(DEFAULT_CACHE_MAX_BYTES)
    .describe("Files up to this many bytes are kept in memory (keyed by path, size and modification time); 0 turns the cache off."),
  cacheTotalBytes: z
    .number()
    .int()
    .min(0)
    .default(DEFAULT_CACHE_TOTAL_BYTES)
    .describe("The bound on all cached file contents together; the oldest entries are evicted first."),
  stripPrefix: PrefixSchema.optional().describe(
    'A path prefix removed from the request path before it is mapped to a file, e.g. "/files"; paths without it are not found.',
  ),
  browse: z
    .literal(false)
    .default(false)
    .describe("Directory listings are not offered: a folder without an index file answers 404."),
});

export type StaticConfig = z.infer<typeof StaticConfigSchema>;
