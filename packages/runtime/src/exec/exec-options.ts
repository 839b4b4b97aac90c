import { DEFAULT_MAX_FRAME_BYTES, ErrorCode, LoomError, MAX_U32, MIN_MAX_FRAME_BYTES } from "@loom/protocol";
import { z } from "zod";
import { OutputOptionsSchema } from "../subprocess/subprocess-options.ts";
import { zodDiagnostics } from "../zod-diagnostics.ts";

/** Everything the host needs to run one exec plugin: a process per call (docs/protocol.md, "Exec mode"). */
export const ExecPluginOptionsSchema = z.strictObject({
  name: z.string().min(1).describe("The plugin's name in logs and errors (its handshake's name is used once known)."),
  command: z.string().min(1).describe("The program to start: a path, or a name looked up in PATH."),
  args: z.array(z.string()).describe("Arguments after the command.").default([]),
  cwd: z.string().optional().describe("The working directory; the host's when absent."),
  env: z.record(z.string(), z.string()).describe("Extra environment variables; the LOOM_PLUGIN_* variables are always the host's.").default({}),
  inheritEnv: z.boolean().describe("Whether the plugin inherits the host's environment.").default(true),
  node: z.boolean().optional().describe("Whether the command is Node.js; by default, when its file name is node or it is this Node."),
  memoryLimitMb: z
    .number()
    .int()
    .min(16)
    .max(1024 * 1024)
    .optional()
    .describe("Memory cap of each process: --max-old-space-size for Node, prlimit --as for other programs (when prlimit exists)."),
  pdeathsig: z.boolean().describe("Start under setpriv --pdeathsig KILL when setpriv exists, so a process dies with the host.").default(true),
  maxFrameBytes: z
    .number()
    .int()
    .min(MIN_MAX_FRAME_BYTES)
    .max(MAX_U32)
    .describe("The largest frame the host accepts from the plugin (LOOM_PLUGIN_MAX_FRAME_BYTES).")
    .default(DEFAULT_MAX_FRAME_BYTES),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .describe("How long one run may take, from the call (queueing included) to the process's exit; then its process group is killed (PLUGIN_TIMEOUT).")
    .default(10_000),
  maxConcurrent: z.number().int().min(1).max(10_000).describe("Processes running at once; further calls wait in the queue.").default(16),
  maxQueued: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .describe("Calls waiting for a free process; a call that finds the queue full fails at once with PLUGIN_OVERLOADED.")
    .default(256),
  output: OutputOptionsSchema.prefault({}),
});

/** Options as a caller writes them (defaults optional). */
export type ExecPluginOptions = z.input<typeof ExecPluginOptionsSchema>;
/** Options with every default filled in. */
export type ResolvedExecOptions = z.output<typeof ExecPluginOptionsSchema>;

/** Fills in defaults; throws CONFIG_INVALID listing every problem. */
export function resolveExecOptions(options: ExecPluginOptions): ResolvedExecOptions {
  const parsed = ExecPluginOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const name = typeof options?.name === "string" ? options.name : "(unnamed)";
  throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `invalid options for exec plugin ${name}:`, zodDiagnostics(parsed.error, ""));
}
