import { execFileSync, spawnSync } from "node:child_process";

const has = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;

/** Makes sure Debian's wrk and caddy are installed (installs them when missing and running as root). */
export function ensureTools(tools: readonly string[], log: (line: string) => void): void {
  const missing = tools.filter((tool) => !has(tool));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(", ")}: install with apt-get install ${missing.join(" ")}`);
  log(`installing ${missing.join(", ")} from Debian's packages…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}
