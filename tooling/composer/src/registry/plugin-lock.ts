import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import * as z from "zod";
import { ErrorCode, LoomError, parseJsonText } from "@loom/protocol";
import { schemaDiagnostics } from "../schema-diagnostics.ts";

/** The lock format this composer reads and writes. */
export const PLUGIN_LOCK_VERSION = 1;

export const LockedPluginSchema = z
  .strictObject({
    name: z.string().min(1).describe("The plugin's package name."),
    range: z.string().min(1).describe("The semver range the manifest asked for when this version was chosen."),
    version: z.string().min(1).describe("The exact version in use; kept while it satisfies the manifest's range."),
    tarball: z.string().min(1).describe("Where the registry serves this version's tarball."),
    integrity: z.string().min(1).describe("The registry's integrity of the tarball (sha512-… SRI, or a sha1 shasum)."),
  })
  .describe("One registry plugin, locked to an exact version.");

export type LockedPlugin = z.infer<typeof LockedPluginSchema>;

export const PluginLockSchema = z
  .strictObject({
    lockfileVersion: z.literal(PLUGIN_LOCK_VERSION).describe("The lock format; written by loom."),
    plugins: z.array(LockedPluginSchema).describe("The manifest's registry plugins, by name."),
    // A record, not an object schema: its keys keep npm's order, so a lock read and written back is unchanged.
    packageLock: z
      .record(z.string(), z.unknown())
      .refine((lock) => typeof lock.packages === "object" && lock.packages !== null, { message: 'npm\'s package-lock needs a "packages" object' })
      .describe("npm's package-lock.json of the install folder: the exact version of every dependency of the plugins."),
  })
  .describe("The versions a distribution's registry plugins (and their dependencies) were resolved to. Written by loom; commit it.");

export type PluginLock = z.infer<typeof PluginLockSchema>;

/**
 * The lock beside a manifest, named after the distribution: `foo.json`, `foo.yaml` or
 * `foo.distribution.json` locks into `foo.lock` (JSON, like deno.lock; not `.json`, which would make it
 * look like one more manifest to `loom build --all`).
 */
export function pluginLockFile(manifestFile: string): string {
  return join(dirname(manifestFile), `${basename(manifestFile).replace(/(\.distribution)?\.(json|ya?ml)$/, "")}.lock`);
}

/** Reads a distribution's lock; undefined when there is none. A damaged lock is an error naming the key. */
export async function readPluginLock(file: string): Promise<PluginLock | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new LoomError(ErrorCode.CONFIG_UNREADABLE, `cannot read lock ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = PluginLockSchema.safeParse(parseJsonText(text, file));
  if (!parsed.success) {
    throw LoomError.fromDiagnostics(
      ErrorCode.CONFIG_INVALID,
      `${file} is not a valid loom lock:`,
      schemaDiagnostics(file, parsed.error.issues, "delete the lock to resolve the registry plugins again"),
    );
  }
  return parsed.data;
}

/** The lock's bytes: stable JSON, two-space indent, a final newline. */
export function formatPluginLock(lock: PluginLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/** Writes a lock when its content changed; returns whether it wrote. */
export async function writePluginLock(file: string, lock: PluginLock): Promise<boolean> {
  const text = formatPluginLock(lock);
  const previous = await readFile(file, "utf8").catch(() => undefined);
  if (previous === text) return false;
  await writeFile(file, text);
  return true;
}
