import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { EXEC_CHANNEL_FDS, PROTOCOL_VERSIONS, formatPluginEnv } from "@loom/protocol";
import type { ProcessExit } from "../subprocess/plugin-errors.ts";
import type { LaunchCommand } from "../subprocess/resolve-launch-command.ts";
import { createNonce } from "../subprocess/spawn-plugin.ts";
import type { ResolvedExecOptions } from "./exec-options.ts";

/** One exec process: stdin carries the host's frames, stdout the plugin's, stderr its log lines. */
export interface ExecProcess {
  readonly child: ChildProcess;
  /** The pid (also the process group id), or undefined when the spawn failed (then `spawnError` settles). */
  readonly pid: number | undefined;
  readonly nonce: string;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Resolves with the error when the process could not be started at all (e.g. ENOENT). */
  readonly spawnError: Promise<Error>;
  /** The exit, once known. */
  exit(): ProcessExit | undefined;
  /** SIGKILL to the whole process group: the plugin and any child it started. Safe to call any time. */
  killGroup(): void;
  /** Destroys the host's side of stdin, stdout and stderr. */
  closeStdio(): void;
}

/**
 * Starts one exec run: the launch environment of protocol v1 with LOOM_PLUGIN_MODE=exec and the channel
 * `fds:0,1` (docs/protocol.md, "Exec mode"), a fresh nonce, stdio [frames in, frames out, log lines]. The
 * process leads a new process group, so a timeout or a cancel kills what it started too.
 */
export function spawnExecProcess(options: ResolvedExecOptions, command: LaunchCommand): ExecProcess {
  const nonce = createNonce();
  const env = {
    ...(options.inheritEnv ? process.env : {}),
    ...options.env,
    ...formatPluginEnv({ protocolVersions: [...PROTOCOL_VERSIONS], nonce, channel: EXEC_CHANNEL_FDS, maxFrameBytes: options.maxFrameBytes, mode: "exec" }),
  };
  let exit: ProcessExit | undefined;
  let reportSpawnError!: (error: Error) => void;
  const spawnError = new Promise<Error>((resolve) => (reportSpawnError = resolve));
  const child = spawn(command.file, [...command.args], {
    stdio: ["pipe", "pipe", "pipe"],
    env,
    detached: true,
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
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.on("error", () => undefined);
  return {
    child,
    pid: child.pid,
    nonce,
    stdin: child.stdin!,
    stdout: child.stdout!,
    stderr: child.stderr!,
    exited,
    spawnError,
    exit: () => exit,
    killGroup() {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is gone already (ESRCH).
      }
    },
    closeStdio() {
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
    },
  };
}
