import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
/**
 * The gateway's source entry, run through tsx. Found by the repo's layout rather than a package
 * dependency, so the gateway's own tests can use this kit without a dependency cycle.
 */
export const GATEWAY_MAIN = fileURLToPath(new URL("../../../apps/gateway/src/dev-main.ts", import.meta.url));
const TSX_CLI = require.resolve("tsx/cli");
const START_TIMEOUT_MS = 15_000;

export interface LogLine {
  level?: number;
  msg?: string;
  [key: string]: unknown;
}

export interface StartGatewayOptions {
  /** Plugin package folders to load (the gateway's `--plugin` flag); none loads only built-in modules. */
  plugins?: string[];
  /** The gateway config. `listen` defaults to 127.0.0.1:0, `admin` to false and the access log to on. */
  config: Record<string, unknown>;
  /** Extra command-line arguments after `run --config F`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface StartedGateway {
  /** `http://127.0.0.1:PORT` of the main listener. */
  readonly url: string;
  /** The admin API's URL, when the config enables it. */
  readonly adminUrl: string | undefined;
  /** The temp file holding the config. */
  readonly configPath: string;
  readonly child: ChildProcess;
  /** Every JSON log line the gateway wrote so far (stdout); plain lines arrive as `{ msg }`. */
  logs(): LogLine[];
  /** The same lines as the gateway wrote them, unparsed (to check what parsing hides, such as a repeated key). */
  rawLogs(): string[];
  /** Stderr text so far. */
  stderr(): string;
  /** Resolves with the first log line (past or future) matching `predicate`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends SIGTERM (or `signal`) and waits for exit; removes the temp config. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the real gateway from sources as a child process and waits until it listens. */
export async function startGateway(options: StartGatewayOptions): Promise<StartedGateway> {
  const dir = mkdtempSync(join(tmpdir(), "loom-gw-"));
  const configPath = join(dir, "gateway.json");
  const config = { listen: "127.0.0.1:0", admin: false, logging: { access: true }, ...options.config };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const args = [TSX_CLI, GATEWAY_MAIN, "run", "--config", configPath];
  for (const plugin of options.plugins ?? []) args.push("--plugin", plugin);
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on("line", (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    raw.push(text);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = START_TIMEOUT_MS): Promise<LogLine> => {
    const seen = lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const waiter = { predicate, resolve: (line: LogLine) => (clearTimeout(timer), resolve(line)) };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no matching gateway log line within ${timeoutMs} ms; stderr:\n${stderr}`));
      }, timeoutMs);
      waiters.push(waiter);
      void exited.then(({ code, signal }) => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(new Error(`gateway exited (code ${code}, signal ${signal}) before the expected log line; stderr:\n${stderr}\nstdout:\n${lines.map((l) => JSON.stringify(l)).join("\n")}`));
      });
    });
  };

  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const result = await exited;
    rmSync(dir, { recursive: true, force: true });
    return result;
  };

  let listening: LogLine;
  try {
    listening = await waitForLog((line) => line.msg === "server listening");
  } catch (error) {
    await stop("SIGKILL");
    throw error;
  }
  const admin = config.admin === false ? undefined : await waitForLog((line) => line.msg === "admin listening");
  return {
    url: String(listening.url),
    adminUrl: admin ? String(admin.url) : undefined,
    configPath,
    child,
    logs: () => [...lines],
    rawLogs: () => [...raw],
    stderr: () => stderr,
    waitForLog,
    stop,
  };
}
