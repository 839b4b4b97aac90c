import type { Readable, Writable } from "node:stream";
import { PLUGIN_CHANNEL_FDS } from "@loom/protocol";
import type { LaunchCommand } from "./resolve-launch-command.ts";
import { spawnLaunched } from "./spawn-launched.ts";
import type { LaunchedProcess } from "./spawn-launched.ts";
import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";

/** A spawned plugin process and its five file descriptors (docs/protocol.md, "File descriptors"). */
export interface SpawnedPlugin extends LaunchedProcess {
  /** fd 0: the lifeline. Never written; its end closes when the host dies. */
  readonly lifeline: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** fd 3: host → plugin frames. */
  readonly toPlugin: Writable;
  /** fd 4: plugin → host frames. */
  readonly fromPlugin: Readable;
  /** Resolves when fd 4 has ended or closed: every frame the plugin wrote has been read. */
  readonly channelClosed: Promise<void>;
  /** Destroys every stdio stream of the host's side. */
  closeStdio(): void;
}

/**
 * Starts the plugin command with the launch environment (spawnLaunched; the channel `fds:3,4`) and the
 * stdio layout of protocol v1: [lifeline, stdout, stderr, fd 3 host→plugin, fd 4 plugin→host]. A spawn
 * that fails later (ENOENT) settles `spawnError`; invalid arguments throw here.
 */
export function spawnPlugin(options: ResolvedSubprocessOptions, command: LaunchCommand): SpawnedPlugin {
  const launched = spawnLaunched(options, command, { channel: PLUGIN_CHANNEL_FDS }, { stdioCount: 5 });
  const stdio = launched.child.stdio as unknown as [Writable, Readable, Readable, Writable, Readable];
  const channelClosed = new Promise<void>((resolve) => {
    stdio[4].once("end", resolve);
    stdio[4].once("close", resolve);
  });
  return {
    ...launched,
    lifeline: stdio[0],
    stdout: stdio[1],
    stderr: stdio[2],
    toPlugin: stdio[3],
    fromPlugin: stdio[4],
    channelClosed,
    closeStdio() {
      for (const stream of stdio) stream?.destroy();
    },
  };
}
