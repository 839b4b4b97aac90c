import { Socket } from "node:net";
import type { PluginLaunch } from "@loom/protocol";

export interface Channel {
  /** Host → plugin frames. */
  readonly input: Socket;
  /** Plugin → host frames. */
  readonly output: Socket;
}

/**
 * Opens the protocol channel on the inherited fds as libuv streams: non-blocking reads and writes on
 * the event loop, for a pipe and a Unix socket alike (fs streams would read a pipe on the thread pool
 * and cannot tell when a write would block).
 *
 * Close-on-exec: at start Node marks fds 0 to 15 close-on-exec, and any open ones right after them
 * (libuv's `uv_disable_stdio_inheritance`), so with v1's `fds:3,4` the plugin's own child processes
 * never inherit the channel, as the spec requires (a test checks it). Node has no fcntl for other fds.
 */
export function openChannel(fds: PluginLaunch["channel"]): Channel {
  const input = new Socket({ fd: fds.read, readable: true, writable: false });
  const output = new Socket({ fd: fds.write, readable: false, writable: true });
  return { input, output };
}
