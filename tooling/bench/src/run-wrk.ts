import { execFile } from "node:child_process";

export interface WrkResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
}

const toMs = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1);

/**
 * Runs `wrk -t1 -c<connections> -d<seconds>s --latency URL` (bounded by its duration) and parses the
 * result; with `cpu`, wrk is pinned to that core (taskset) so it never competes with the server.
 */
export function runWrk(url: string, options: { seconds: number; connections: number; cpu?: number }): Promise<WrkResult> {
  const args = ["-t1", `-c${options.connections}`, `-d${options.seconds}s`, "--latency", url];
  const [command, argv] = options.cpu === undefined ? ["wrk", args] : ["taskset", ["-c", String(options.cpu), "wrk", ...args]];
  return new Promise((resolve, reject) => {
    execFile(command, argv, { timeout: (options.seconds + 30) * 1000 }, (error, stdout) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}`));
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      const p50 = /\s50%\s+([\d.]+)(us|ms|s)/.exec(stdout);
      const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
      if (!rps || !p50 || !p99) return reject(new Error(`cannot read wrk output:\n${stdout}`));
      const errors = (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
      resolve({ requestsPerSecond: Number(rps[1]), latencyP50Ms: toMs(p50[1]!, p50[2]!), latencyP99Ms: toMs(p99[1]!, p99[2]!), errors });
    });
  });
}
