import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FrameDecoder, PluginEnv, encodeFrame, formatPluginEnv, parseFrameMessage } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";

/** tsx's loader, so the fixture runs from TypeScript sources in the plugin process itself (no tsx CLI relay). */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The bin file of the test plugin: it imports the plugin and calls serve. */
export const SERVE_FIXTURE = fileURLToPath(new URL("./fixtures/serve-test-plugin.ts", import.meta.url));

const WAIT_MS = 15_000;

export interface StartPluginOptions {
  /** Set the launch environment as a host does (default), or start the plugin "by hand" without it. */
  hosted?: boolean;
  /** Launch variables to override; undefined removes one. */
  env?: Record<string, string | undefined>;
  fixture?: string;
}

export interface PluginProcess {
  readonly child: ChildProcess;
  readonly nonce: string;
  /** Every frame the plugin sent so far, in order. */
  readonly frames: readonly FrameMessage[];
  /** Sends a message as one frame on the plugin's fd 3. */
  send(message: FrameMessage): void;
  /** Writes raw bytes on fd 3. */
  sendRaw(bytes: Uint8Array): void;
  /** The first frame that matches, waiting for it if needed. */
  waitFor(match: (message: FrameMessage) => boolean, what?: string): Promise<FrameMessage>;
  /** The reply to request `id` (any type but handshake). */
  reply(id: number): Promise<FrameMessage>;
  /** What the plugin wrote to stderr so far; its JSON log lines parsed. */
  stderr(): string;
  logs(): Record<string, unknown>[];
  /** Bytes the plugin wrote to stdout so far (read and dropped, as a host does). */
  stdoutBytes(): number;
  /** Resolves when the process exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Closes the lifeline (stdin). */
  closeLifeline(): void;
  /** Closes fd 3, the host's side of the channel. */
  closeChannel(): void;
}

const running = new Set<ChildProcess>();

/** Kills every plugin process a test left running. */
export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}

/**
 * The host's side, for tests: spawns the fixture with stdin (lifeline), stdout, stderr and the channel on
 * fds 3 and 4, as a Loom host does, encodes frames with encodeFrame and decodes the plugin's with
 * FrameDecoder and parseFrameMessage. A frame that breaks the protocol fails the pending waits.
 */
export function startPlugin(options: StartPluginOptions = {}): PluginProcess {
  const nonce = randomBytes(16).toString("hex");
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.values(PluginEnv)) delete env[name];
  if (options.hosted !== false) {
    Object.assign(env, formatPluginEnv({ protocolVersions: [1], nonce, channel: { read: 3, write: 4 }, maxFrameBytes: 16 * 1024 * 1024 }));
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(process.execPath, ["--import", TSX_LOADER, options.fixture ?? SERVE_FIXTURE], {
    env,
    stdio: ["pipe", "pipe", "pipe", "pipe", "pipe"],
  });
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  let stderr = "";
  let stdoutBytes = 0;
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout!.on("data", (chunk: Buffer) => (stdoutBytes += chunk.length));
  const toPlugin = child.stdio[3] as Writable;
  const fromPlugin = child.stdio[4] as Readable;
  toPlugin.on("error", () => undefined);

  const frames: FrameMessage[] = [];
  const waiters: { match: (message: FrameMessage) => boolean; resolve: (message: FrameMessage) => void; reject: (error: Error) => void }[] = [];
  let broken: Error | undefined;
  const decoder = new FrameDecoder();
  fromPlugin.on("data", (chunk: Buffer) => {
    try {
      decoder.push(chunk, (frame) => {
        const message = parseFrameMessage(frame, { from: "plugin" });
        frames.push(message);
        for (const waiter of [...waiters]) {
          if (!waiter.match(message)) continue;
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      });
    } catch (error) {
      broken = error as Error;
      for (const waiter of waiters.splice(0)) waiter.reject(broken);
    }
  });

  const waitFor = (match: (message: FrameMessage) => boolean, what = "a frame"): Promise<FrameMessage> => {
    const found = frames.find(match);
    if (found) return Promise.resolve(found);
    if (broken) return Promise.reject(broken);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} from the plugin within ${WAIT_MS} ms; stderr:\n${stderr}`));
      }, WAIT_MS);
      const waiter = {
        match,
        resolve: (message: FrameMessage) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiters.push(waiter);
    });
  };

  return {
    child,
    nonce,
    frames,
    send: (message) => toPlugin.write(encodeFrame(message)),
    sendRaw: (bytes) => toPlugin.write(bytes),
    waitFor,
    reply: (id) => waitFor((message) => message.id === id && message.type !== "handshake", `reply to request ${id}`),
    stderr: () => stderr,
    logs: () =>
      stderr
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stdoutBytes: () => stdoutBytes,
    exited,
    closeLifeline: () => child.stdin!.end(),
    closeChannel: () => toPlugin.end(),
  };
}
