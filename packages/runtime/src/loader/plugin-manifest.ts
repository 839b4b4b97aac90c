import { ErrorCode, LoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import * as z from "zod";
import { ExecPluginOptionsSchema } from "../exec/exec-options.ts";
import { SubprocessPluginOptionsSchema } from "../subprocess/subprocess-options.ts";
import { zodDiagnostics } from "../zod-diagnostics.ts";

/** The name of the file that describes one out-of-tree plugin in its folder. */
export const PLUGIN_MANIFEST_FILE = "plugin.json";

/** `sha256-` then the base64 of the file's SHA-256 digest: the Subresource Integrity format (`openssl dgst -sha256 -binary F | base64`). */
const SHA256_SRI = /^sha256-[A-Za-z0-9+/]{43}=$/;

/** The subprocess settings a plugin.json may set: everything but what the loader fills in itself. */
export const ManifestSubprocessSchema = SubprocessPluginOptionsSchema.omit({ name: true, command: true, args: true, cwd: true, describe: true }).describe(
  "How the host runs the plugin's processes: timeouts, concurrency, pool size (processes), memory (memoryLimitMb).",
);

/** The exec settings a plugin.json may set (placement "exec"). */
export const ManifestExecSchema = ExecPluginOptionsSchema.pick({ timeoutMs: true, maxConcurrent: true, maxQueued: true, memoryLimitMb: true }).describe(
  "How the host runs the plugin's per-call processes: timeout, processes at once, queue size, memory (memoryLimitMb).",
);

/** How an out-of-tree plugin runs: one long-lived process pool, or one process per call. */
export const ManifestPlacementSchema = z
  .enum(["subprocess", "exec"])
  .describe('"subprocess": long-lived processes that serve many calls; "exec": one process per call, request on stdin, response on stdout (docs/protocol.md, "Exec mode").');

/** `plugin.json`: what the host needs to start an out-of-tree plugin and to trust its files. */
export const PluginManifestSchema = z
  .strictObject({
    $schema: z.string().optional().describe("JSON Schema for editors; ignored by the host."),
    name: z.string().min(1).describe("The plugin's name; its handshake's name is used in logs once it runs."),
    version: z.string().min(1).describe("The plugin's version."),
    command: z
      .string()
      .min(1)
      .describe('The program to start. A value with a "/" is a path relative to the plugin folder (e.g. "./bin/plugin"); a bare name (e.g. "python3") is looked up in PATH.'),
    args: z
      .array(z.string())
      .default([])
      .describe('Arguments after the command. One starting with "./" or "../" is a path relative to the plugin folder.'),
    protocolVersions: z.array(z.number().int().min(1)).min(1).describe("The subprocess protocol versions the plugin speaks (docs/protocol.md), e.g. [1]."),
    modules: z
      .array(z.string().min(1))
      .min(1)
      .describe("The module IDs the plugin provides; its handshake must announce exactly these."),
    files: z
      .record(z.string().min(1), z.string().regex(SHA256_SRI, 'expected "sha256-" followed by the base64 SHA-256 digest (44 characters)'))
      .refine((files) => Object.keys(files).length > 0, "list at least the plugin's entry file")
      .describe('Every file the plugin runs, relative to the plugin folder, to its SHA-256 as "sha256-<base64>". A mismatch refuses the plugin.'),
    placement: ManifestPlacementSchema.default("subprocess"),
    subprocess: ManifestSubprocessSchema.optional(),
    exec: ManifestExecSchema.optional(),
  })
  .superRefine((manifest, context) => {
    // Each settings object belongs to one placement: the other one would be silently ignored.
    const wrong = manifest.placement === "exec" ? "subprocess" : "exec";
    if (manifest[wrong] === undefined) return;
    context.addIssue({
      code: "custom",
      path: [wrong],
      message: `"${wrong}" is only valid with "placement": "${wrong}", and this plugin's placement is "${manifest.placement}"; remove "${wrong}" or set "placement": "${wrong}"`,
    });
  })
  .describe("An out-of-tree plugin: how to start it, what it provides, and the hashes of its files.");

export type PluginManifest = z.output<typeof PluginManifestSchema>;

/** Guards a parsed plugin.json value; throws CONFIG_INVALID with one diagnostic per problem (file + field + fix). */
export function parsePluginManifest(value: unknown, file: string): PluginManifest {
  const parsed = PluginManifestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const diagnostics: Diagnostic[] = zodDiagnostics(parsed.error, "", { file }).map((d) => ({
    ...d,
    hint: d.hint ?? `fix ${d.path || "the value"} in ${file}; see PluginManifestSchema in @loom/runtime`,
  }));
  throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `${file} is not a valid plugin manifest:`, diagnostics);
}
