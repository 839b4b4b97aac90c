import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { FrameDecoder, PluginEnv, encodeFrame, formatPluginEnv, parseFrameMessage } from "@loom/protocol";
import type { FrameMessage } from "@loom/protocol";
import { SERVE_FIXTURE } from "./start-plugin.ts";

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const WAIT_MS = 30_000;

export interface ExecRunOutput {
  readonly nonce: string;
  /** Every frame on stdout, parsed and validated; a stream that is not frames throws. */
  readonly frames: FrameMessage[];
  readonly stdoutBytes: number;
  readonly stderr: string;
  /** stderr's JSON log lines. */
  readonly logs: Record<string, unknown>[];
  readonly exit: { code: number | null; signal: NodeJS.Signals | null };
}

/**
 * The host's side of one exec run, for tests: starts the test plugin with LOOM_PLUGIN_MODE=exec and the
 * channel fds:0,1, writes `messages` as frames on stdin and closes it, and collects stdout (decoded with
 * FrameDecoder and parseFrameMessage), stderr and the exit. Killed after 30 s.
 */
export function runExecPlugin(messages: readonly FrameMessage[], env: Record<string, string> = {}): Promise<ExecRunOutput> {
  const nonce = randomBytes(16).toString("hex");
  const childEnv: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.values(PluginEnv)) delete childEnv[name];
  Object.assign(childEnv, formatPluginEnv({ protocolVersions: [1], nonce, channel: { read: 0, write: 1 }, maxFrameBytes: 16 * 1024 * 1024, mode: "exec" }), env);
  const child = spawn(process.execPath, ["--import", TSX_LOADER, SERVE_FIXTURE], { env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.on("error", () => undefined);
  for (const message of messages) child.stdin.write(encodeFrame(message));
  child.stdin.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), WAIT_MS);
  return new Promise((resolve, reject) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      try {
        const frames: FrameMessage[] = [];
        const decoder = new FrameDecoder();
        const stdout = Buffer.concat(chunks);
        decoder.push(stdout, (frame) => frames.push(parseFrameMessage(frame, { from: "plugin" })));
        decoder.end();
        const logs = stderr.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
        resolve({ nonce, frames, stdoutBytes: stdout.length, stderr, logs, exit: { code, signal } });
      } catch (error) {
        reject(new Error(`stdout is not protocol frames: ${(error as Error).message}; stderr:\n${stderr}`));
      }
    });
  });
}
