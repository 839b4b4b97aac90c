import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { DistributionManifestSchema, ErrorCode, LoomError, parseJsonText } from "@loom/protocol";
import type { DistributionManifest } from "@loom/protocol";
import { SHARED_CACHE_FOLDERS } from "./cache-folders.ts";
import { schemaDiagnostics } from "./schema-diagnostics.ts";

/** The file names of manifests: `NAME.json`, `NAME.yaml`, `NAME.yml`, each also as `NAME.distribution.*`. */
export const MANIFEST_SUFFIX = /(\.distribution)?\.(json|ya?ml)$/;

export interface LoadedManifest {
  file: string;
  /** The distribution's name: the file name without its MANIFEST_SUFFIX (`.distribution.json`, `.yaml`, …). */
  name: string;
  manifest: DistributionManifest;
  sha256: string;
}

/** Reads a JSON or YAML manifest (by its extension): a syntax error names the line, a schema problem the key and the fix. */
export async function readManifest(file: string): Promise<LoadedManifest> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new LoomError(ErrorCode.CONFIG_UNREADABLE, `cannot read manifest ${file}: ${reason}`, { cause: error });
  }
  const name = basename(file).replace(MANIFEST_SUFFIX, "");
  if ((Object.values(SHARED_CACHE_FOLDERS) as string[]).includes(name)) {
    throw new LoomError(
      ErrorCode.CONFIG_INVALID,
      `${file}: a distribution cannot be named "${name}" (its manifest's file name): .loom-cache/${name}/ holds what every distribution shares; rename the manifest, e.g. to ${name}-build${basename(file).slice(name.length)}`,
    );
  }
  // The YAML parser is imported when a YAML manifest needs it: the bundled CLI then starts without it.
  const data = /\.ya?ml$/.test(file) ? (await import("./parse-yaml-text.ts")).parseYamlText(text, file) : parseJsonText(text, file);
  const parsed = DistributionManifestSchema.safeParse(data);
  if (!parsed.success) {
    throw LoomError.fromDiagnostics(
      ErrorCode.CONFIG_INVALID,
      `${file} is not a valid distribution manifest:`,
      schemaDiagnostics(file, parsed.error.issues),
    );
  }
  return {
    file,
    name,
    manifest: parsed.data,
    sha256: createHash("sha256").update(text).digest("hex"),
  };
}
