import { DEFAULT_MAX_FRAME_BYTES, ErrorCode, LoomError, MAX_U32, MIN_MAX_FRAME_BYTES } from "@loom/protocol";
import * as z from "zod";
import { zodDiagnostics } from "../zod-diagnostics.ts";

const ms = (what: string) => z.number().int().min(1).max(2 ** 31 - 1).describe(what);

/** How a crashed plugin process is restarted: exponential backoff with jitter, capped. */
export const RestartOptionsSchema = z.strictObject({
  initialDelayMs: ms("Delay before the first restart after a crash.").default(200),
  maxDelayMs: ms("The longest delay between restarts.").default(30_000),
  factor: z.number().min(1).max(10).describe("Each further crash in the window multiplies the delay by this.").default(2),
  jitter: z.number().min(0).max(1).describe("Random spread of each delay, as a fraction (0.2 = ±20%).").default(0.2),
});

/** When a plugin that keeps crashing stops being restarted for a while (its circuit opens). */
export const CircuitOptionsSchema = z.strictObject({
  maxCrashes: z.number().int().min(1).max(1000).describe("Crashes within windowMs that open the circuit.").default(5),
  windowMs: ms("The window in which crashes are counted.").default(60_000),
  cooldownMs: ms("How long an open circuit fails calls at once before one half-open restart.").default(30_000),
});

/** How a plugin's stdout and stderr are re-emitted as log lines. */
export const OutputOptionsSchema = z.strictObject({
  maxLineBytes: z.number().int().min(256).max(16 * 1024 * 1024).describe("Longer lines are cut (spec: 64 KiB).").default(64 * 1024),
  maxLinesPerSecond: z.number().int().min(1).max(1_000_000).describe("Lines re-emitted per second per process; the rest are counted and dropped.").default(1000),
  tailLines: z.number().int().min(0).max(1000).describe("Last stderr lines kept for crash and start-failure messages.").default(20),
});

/** Everything the host needs to run one subprocess plugin (a pool of identical processes). */
export const SubprocessPluginOptionsSchema = z.strictObject({
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
    .describe("Memory cap: --max-old-space-size for Node, prlimit --as for other programs (when prlimit exists)."),
  pdeathsig: z.boolean().describe("Start under setpriv --pdeathsig KILL when setpriv exists, so the plugin dies with the host.").default(true),
  processes: z.number().int().min(1).max(64).describe("How many processes run this plugin; calls go to the least loaded.").default(1),
  maxFrameBytes: z
    .number()
    .int()
    .min(MIN_MAX_FRAME_BYTES)
    .max(MAX_U32)
    .describe("The largest frame the host accepts from the plugin (LOOM_PLUGIN_MAX_FRAME_BYTES).")
    .default(DEFAULT_MAX_FRAME_BYTES),
  startTimeoutMs: ms("From spawn to a valid handshake.").default(10_000),
  callTimeoutMs: ms("Default deadline of a method call.").default(30_000),
  lifecycleTimeoutMs: ms("Deadline of create, destroy and lifecycle calls.").default(30_000),
  maxConcurrentCalls: z.number().int().min(1).max(100_000).describe("Calls in flight per process (lowered to the plugin's own maxConcurrentCalls).").default(64),
  maxQueuedCalls: z.number().int().min(0).max(1_000_000).describe("Calls waiting per process beyond that; a call that finds the queue full fails with PLUGIN_OVERLOADED.").default(1024),
  healthIntervalMs: z.number().int().min(0).max(2 ** 31 - 1).describe("Time between health checks; 0 turns them off.").default(10_000),
  healthTimeoutMs: ms("How long health-ok may take; a miss restarts the process.").default(5_000),
  shutdownTimeoutMs: ms("The shutdown frame's deadline: time to drain before SIGTERM.").default(5_000),
  killGraceMs: ms("Time between SIGTERM and SIGKILL.").default(2_000),
  cancelGraceMs: ms("How long a cancelled call may stay unanswered before the process counts as hung.").default(10_000),
  describe: z
    .boolean()
    .describe("Ask the plugin for each module's config JSON Schema in its handshake (LOOM_PLUGIN_DESCRIBE=1), as gateway schema does.")
    .default(false),
  restart: RestartOptionsSchema.prefault({}),
  circuit: CircuitOptionsSchema.prefault({}),
  output: OutputOptionsSchema.prefault({}),
});

/** Options as a caller writes them (defaults optional). */
export type SubprocessPluginOptions = z.input<typeof SubprocessPluginOptionsSchema>;
/** Options with every default filled in. */
export type ResolvedSubprocessOptions = z.output<typeof SubprocessPluginOptionsSchema>;

/** Fills in defaults; throws CONFIG_INVALID listing every problem. */
export function resolveSubprocessOptions(options: SubprocessPluginOptions): ResolvedSubprocessOptions {
  const parsed = SubprocessPluginOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const name = typeof options?.name === "string" ? options.name : "(unnamed)";
  throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `invalid options for subprocess plugin ${name}:`, zodDiagnostics(parsed.error, ""));
}
