import { basename } from "node:path";
import type { ResolvedSubprocessOptions } from "./subprocess-options.ts";
import { findExecutable } from "./find-executable.ts";

/** The argv a plugin is started with, and what protects the host from it. */
export interface LaunchCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** True when the plugin runs under `setpriv --pdeathsig KILL`: the kernel kills it when the host dies. */
  readonly pdeathsig: boolean;
  /** How the memory cap is applied: V8's heap flag, an address-space rlimit, or not at all. */
  readonly memoryCap: "max-old-space-size" | "prlimit" | "none";
}

type LaunchInput = Pick<ResolvedSubprocessOptions, "command" | "args" | "node" | "memoryLimitMb" | "pdeathsig">;

/** Tools the launcher wraps a command with, when they exist on this machine. */
export interface LaunchTools {
  setpriv?: string | undefined;
  prlimit?: string | undefined;
}

/** True when the command runs Node.js: named `node`, or this very Node binary. */
export function isNodeCommand(command: string): boolean {
  return command === process.execPath || /^node(\.exe)?$/.test(basename(command));
}

/**
 * Builds the plugin's argv: `setpriv --pdeathsig KILL --` first (when enabled and setpriv exists;
 * without it the lifeline pipe is the only "host gone" signal, which a plugin that never reads stdin
 * misses), then the memory cap: `--max-old-space-size` for Node (an address-space limit alone can keep
 * V8 from starting), `prlimit --as=<bytes> --` for other programs (no cap when prlimit is missing).
 * The flags survive `exec`, so the pid is the plugin's own.
 */
export function resolveLaunchCommand(input: LaunchInput, tools: LaunchTools = defaultLaunchTools()): LaunchCommand {
  const node = input.node ?? isNodeCommand(input.command);
  let argv = [input.command, ...input.args];
  let memoryCap: LaunchCommand["memoryCap"] = "none";
  if (input.memoryLimitMb !== undefined) {
    if (node) {
      argv = [input.command, `--max-old-space-size=${input.memoryLimitMb}`, ...input.args];
      memoryCap = "max-old-space-size";
    } else if (tools.prlimit) {
      argv = [tools.prlimit, `--as=${input.memoryLimitMb * 1024 * 1024}`, "--", ...argv];
      memoryCap = "prlimit";
    }
  }
  const pdeathsig = input.pdeathsig && tools.setpriv !== undefined;
  if (pdeathsig) argv = [tools.setpriv!, "--pdeathsig", "KILL", "--", ...argv];
  return { file: argv[0]!, args: argv.slice(1), pdeathsig, memoryCap };
}

/** setpriv and prlimit from PATH (Linux, util-linux); looked up once. */
export function defaultLaunchTools(): LaunchTools {
  if (process.platform !== "linux") return {};
  return { setpriv: findExecutable("setpriv"), prlimit: findExecutable("prlimit") };
}
