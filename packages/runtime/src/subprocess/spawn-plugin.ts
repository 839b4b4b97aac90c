import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { PLUGIN_CHANNEL_FDS, PROTOCOL_VERSIONS, formatPluginEnv } from "@loom/protocol";
import type { ProcessExit } from "./plugin-errors.ts";
import type { LaunchCommand } from "./resolve-launch-command.ts";
import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";

/** A spawned plugin process and its five file descriptors (docs/protocol.md, "File descriptors"). */
export interface SpawnedPlugin {
  readonly child: ChildProcess;
  /** The pid, or undefined when the spawn failed (then `spawnError` settles). */
  readonly pid: number | undefined;
  readonly nonce: string;
  /** fd 0: the lifeline. Never written; its end closes when the host dies. */
  readonly lifeline: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** fd 3: host → plugin frames. */
  readonly toPlugin: Writable;
  /** fd 4: plugin → host frames. */
  readonly fromPlugin: Readable;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Resolves when fd 4 has ended or closed: every frame the plugin wrote has been read. */
  readonly channelClosed: Promise<void>;
  /** The exit, once known. */
  exit(): ProcessExit | undefined;
  /** Resolves with the error when the process could not be started at all (e.g. ENOENT). */
  readonly spawnError: Promise<Error>;
  /** Destroys every stdio stream of the host's side. */
  closeStdio(): void;
}

/** A new nonce per launch: 32 lowercase hex digits, as v1 hosts send. */
export function createNonce(): string {
  return randomBytes(16).toString("hex");
}

/**
 * Starts the plugin command with the launch environment (cookie, the host's protocol versions, a fresh
 * nonce, the channel `fds:3,4`, the host's maximum frame size) and the stdio layout of protocol v1:
 * [lifeline, stdout, stderr, fd 3 host→plugin, fd 4 plugin→host]. A spawn that fails later (ENOENT)
 * settles `spawnError`; invalid arguments throw here.
 */
export function spawnPlugin(options: ResolvedSubprocessOptions, command: LaunchCommand): SpawnedPlugin {
  const nonce = createNonce();
  const env = {
    ...(options.inheritEnv ? process.env : {}),
    ...options.env,
    ...formatPluginEnv({
      protocolVersions: [...PROTOCOL_VERSIONS],
      nonce,
      channel: PLUGIN_CHANNEL_FDS,
      maxFrameBytes: options.maxFrameBytes,
    }),
  };
  let exit: ProcessExit | undefined;
  let rejectSpawn!: (error: Error) => void;
  const spawnError = new Promise<Error>((resolve) => (rejectSpawn = resolve));
  const child = spawn(command.file, [...command.args], {
    stdio: ["pipe", "pipe", "pipe", "pipe", "pipe"],
    env,
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
    if (child.pid === undefined) rejectSpawn(error);
  });
  const stdio = child.stdio as unknown as [Writable, Readable, Readable, Writable, Readable];
  for (const stream of stdio) stream?.on("error", () => undefined);
  const channelClosed = new Promise<void>((resolve) => {
    stdio[4].once("end", resolve);
    stdio[4].once("close", resolve);
  });
  return {
    child,
    pid: child.pid,
    nonce,
    lifeline: stdio[0],
    stdout: stdio[1],
    stderr: stdio[2],
    toPlugin: stdio[3],
    fromPlugin: stdio[4],
    exited,
    channelClosed,
    exit: () => exit,
    spawnError,
    closeStdio() {
      for (const stream of stdio) stream?.destroy();
    },
  };
}
