import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { PROTOCOL_VERSIONS, formatPluginEnv } from "@loom/protocol";
import type { PluginLaunch } from "@loom/protocol";
import type { ProcessExit } from "./plugin-errors.ts";
import type { LaunchCommand } from "./resolve-launch-command.ts";

/** What starting a process needs, the same for both placements (SubprocessPluginOptions, ExecPluginOptions). */
export interface LaunchOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly inheritEnv: boolean;
  readonly cwd?: string | undefined;
  readonly maxFrameBytes: number;
  /** Whether the plugin is asked for its modules' config JSON Schemas (LOOM_PLUGIN_DESCRIBE). */
  readonly describe: boolean;
}

/** A started process with the launch environment of protocol v1, tracked to its exit. */
export interface LaunchedProcess {
  readonly child: ChildProcess;
  /** The pid, or undefined when the spawn failed (then `spawnError` settles). */
  readonly pid: number | undefined;
  readonly nonce: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** The exit, once known. */
  exit(): ProcessExit | undefined;
  /** Resolves with the error when the process could not be started at all (e.g. ENOENT). */
  readonly spawnError: Promise<Error>;
}

/** A new nonce per launch: 32 lowercase hex digits, as v1 hosts send. */
export function createNonce(): string {
  return randomBytes(16).toString("hex");
}

/**
 * Starts `command` with the launch environment (cookie, the host's protocol versions, a fresh nonce, the
 * channel, the host's maximum frame size, the mode, `describe`) over the inherited or given environment. A spawn that
 * fails later (ENOENT) settles `spawnError`; invalid arguments throw here. Errors of the stdio streams are
 * swallowed: the exit says what happened.
 */
export function spawnLaunched(
  options: LaunchOptions,
  command: LaunchCommand,
  launch: Pick<PluginLaunch, "channel"> & { mode?: PluginLaunch["mode"] },
  spawnOptions: { stdioCount: number; detached?: boolean },
): LaunchedProcess {
  const nonce = createNonce();
  const env = {
    ...(options.inheritEnv ? process.env : {}),
    ...options.env,
    ...formatPluginEnv({ protocolVersions: [...PROTOCOL_VERSIONS], nonce, maxFrameBytes: options.maxFrameBytes, describe: options.describe, ...launch }),
  };
  let exit: ProcessExit | undefined;
  let reportSpawnError!: (error: Error) => void;
  const spawnError = new Promise<Error>((resolve) => (reportSpawnError = resolve));
  const child = spawn(command.file, [...command.args], {
    stdio: Array.from({ length: spawnOptions.stdioCount }, () => "pipe" as const),
    env,
    ...(spawnOptions.detached ? { detached: true } : {}),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    windowsHide: true,
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  child.on("error", (error) => {
    if (child.pid === undefined) reportSpawnError(error);
  });
  for (const stream of child.stdio) stream?.on("error", () => undefined);
  return { child, pid: child.pid, nonce, exited, exit: () => exit, spawnError };
}
