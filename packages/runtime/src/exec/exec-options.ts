import { ErrorCode, LoomError } from "@loom/protocol";
import * as z from "zod";
import { SubprocessPluginOptionsSchema } from "../subprocess/subprocess-options.ts";
import { zodDiagnostics } from "../zod-diagnostics.ts";

/** Everything the host needs to run one exec plugin: a process per call (docs/protocol.md, "Exec mode"). */
export const ExecPluginOptionsSchema = SubprocessPluginOptionsSchema.pick({
  // How a process is launched is the same for both placements: one definition of each field.
  name: true,
  command: true,
  args: true,
  cwd: true,
  env: true,
  inheritEnv: true,
  node: true,
  memoryLimitMb: true,
  pdeathsig: true,
  maxFrameBytes: true,
  output: true,
  describe: true,
}).extend({
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
