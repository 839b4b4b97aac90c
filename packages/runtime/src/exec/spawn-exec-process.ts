import type { Readable, Writable } from "node:stream";
import { EXEC_CHANNEL_FDS } from "@loom/protocol";
import type { LaunchCommand } from "../subprocess/resolve-launch-command.ts";
import { spawnLaunched } from "../subprocess/spawn-launched.ts";
import type { LaunchedProcess } from "../subprocess/spawn-launched.ts";
import type { ResolvedExecOptions } from "./exec-options.ts";

/** One exec process (its pid is also its process group id): stdin carries the host's frames, stdout the plugin's, stderr its log lines. */
export interface ExecProcess extends LaunchedProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
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
  const launched = spawnLaunched(options, command, { channel: EXEC_CHANNEL_FDS, mode: "exec" }, { stdioCount: 3, detached: true });
  const { child } = launched;
  return {
    ...launched,
    stdin: child.stdin!,
    stdout: child.stdout!,
    stderr: child.stderr!,
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
