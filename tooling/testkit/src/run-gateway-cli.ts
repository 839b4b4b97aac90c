import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { GATEWAY_MAIN } from "./start-gateway.ts";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one gateway CLI command from sources (e.g. `["validate", "--config", f]`) and collects its output. */
export function runGatewayCli(args: string[], options: { plugins?: string[]; cwd?: string } = {}): Promise<CliResult> {
  const argv = [TSX_CLI, GATEWAY_MAIN, ...args];
  for (const plugin of options.plugins ?? []) argv.push("--plugin", plugin);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      argv,
      { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1" }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
