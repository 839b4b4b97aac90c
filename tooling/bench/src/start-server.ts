import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface RunningServer {
  url: string;
  /** The server's process id (taskset's, which execs the server in place). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts a server process with stdout discarded (logs cost the server, not the benchmark) and waits for
 * a stderr line matching `pattern`, whose first group is its URL (or `options.url` when given).
 */
export function startServer(
  command: string,
  args: string[],
  pattern: RegExp,
  options: { env?: NodeJS.ProcessEnv; url?: string } = {},
): Promise<RunningServer> {
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...options.env } });
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${command} did not start within 20 s:\n${stderr}`)), 20_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.once("exit", (code) => fail(new Error(`${command} exited with ${code} before listening:\n${stderr}`)));
    createInterface({ input: child.stderr! }).on("line", (line) => {
      stderr += `${line}\n`;
      const match = pattern.exec(line);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        url: options.url ?? match[1]!,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
          }),
      });
    });
  });
}
