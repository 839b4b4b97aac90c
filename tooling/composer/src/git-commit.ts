import { execFileSync } from "node:child_process";

/** The commit checked out at `root`, as `git rev-parse HEAD` says; "unknown" outside a git clone. */
export function gitCommit(root: string): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}
