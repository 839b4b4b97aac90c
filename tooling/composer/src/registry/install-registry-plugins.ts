import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { lstat, mkdir, readFile, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ErrorCode, LoomError } from "@loom/protocol";
import { HOST_PACKAGES, registryCacheDir } from "../host-packages-plugin.ts";
import type { LockedPlugin, PluginLock } from "./plugin-lock.ts";

export interface InstalledPlugins {
  /** The install folder, `<root>/.loom-cache/registry/<key>/`; each plugin is in its `node_modules`. */
  dir: string;
  /** npm's package-lock.json of the folder. */
  packageLock: PluginLock["packageLock"];
  /** True when the folder was reused without running npm. */
  reused: boolean;
}

/** Written into an install folder last: what it was installed from. Its absence means "not finished". */
const STAMP = "loom-install.json";
const NPM_TIMEOUT_MS = 600_000;
const NPM_FLAGS = ["--ignore-scripts", "--legacy-peer-deps", "--no-audit", "--no-fund", "--package-lock", "--loglevel=error"];

/** JSON with sorted keys: the same value always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The install folder's package.json: exactly the locked versions. */
function packageJsonOf(plugins: readonly LockedPlugin[]): string {
  const dependencies = Object.fromEntries([...plugins].sort((a, b) => a.name.localeCompare(b.name)).map((p) => [p.name, p.version]));
  return `${JSON.stringify({ name: "loom-registry-plugins", version: "0.0.0", private: true, dependencies }, null, 2)}\n`;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A finished install of these plugins, from this package-lock when one is given. */
async function isInstalled(dir: string, plugins: readonly LockedPlugin[], packageLockSha256: string | undefined): Promise<boolean> {
  const stamp = await readJson(join(dir, STAMP));
  if (!stamp || (packageLockSha256 !== undefined && stamp.packageLockSha256 !== packageLockSha256)) return false;
  for (const plugin of plugins) {
    if ((await readJson(join(dir, "node_modules", plugin.name, "package.json")))?.version !== plugin.version) return false;
  }
  return true;
}

/** Runs npm in `cwd`; a failure names `dir` (the folder `cwd` becomes) and npm's own error lines. */
function runNpm(args: string[], cwd: string, dir: string, registry: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile("npm", [...args, ...NPM_FLAGS, "--registry", registry], { cwd, timeout: NPM_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolvePromise();
      const lines = stderr
        .split("\n")
        .filter((line) => /^npm (error|ERR!)/.test(line) && !/complete log of this run|A complete log/.test(line))
        .map((line) => line.replace(/^npm (error|ERR!)\s*/, "").trim())
        .filter(Boolean)
        .slice(0, 8);
      const reason = lines.join("; ") || (error as Error).message;
      const unreachable = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network/i.test(reason);
      reject(
        new LoomError(
          unreachable ? ErrorCode.REGISTRY_UNREACHABLE : ErrorCode.REGISTRY_PACKAGE_INVALID,
          `npm ${args[0]} of the registry plugins in ${dir} failed: ${reason}`,
          { cause: error },
        ),
      );
    });
  });
}

/** The folder of a host package as the host resolves it (Node's lookup up from the host's folder). */
function hostCopy(hostDir: string, name: string): string | undefined {
  for (let dir = hostDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Points the install folder's `node_modules/@loom/sdk` and `@loom/protocol` at the host's copies, so
 * Node (loading a plugin to read its modules) and esbuild both take the host's single copy. Replaced
 * atomically, and only when it points elsewhere.
 */
async function linkHostPackages(dir: string, hostDir: string): Promise<void> {
  for (const name of HOST_PACKAGES) {
    const target = hostCopy(hostDir, name);
    if (!target) continue;
    const link = join(dir, "node_modules", name);
    const current = await lstat(link).catch(() => undefined);
    if (current?.isSymbolicLink() && (await readlink(link)) === target) continue;
    await mkdir(dirname(link), { recursive: true });
    const temporary = `${link}.link-${process.pid}`;
    await rm(temporary, { recursive: true, force: true });
    await symlink(target, temporary, "junction");
    if (current && !current.isSymbolicLink()) await rm(link, { recursive: true, force: true });
    await rename(temporary, link);
  }
}

/**
 * Installs registry plugins at their locked versions, with their dependencies, into
 * `<root>/.loom-cache/registry/<key>/` (key: the plugins' names, versions and integrity). With the
 * lock's package-lock and an unchanged plugin set it runs `npm ci`, so every transitive version is the
 * locked one; otherwise `npm install`, whose package-lock then goes into the lock. A folder already
 * installed from the same package-lock is reused without npm. Install scripts never run.
 */
export async function installRegistryPlugins(options: {
  root: string;
  registry: string;
  hostDir: string;
  plugins: readonly LockedPlugin[];
  /** The lock's package-lock, if there is a lock. */
  packageLock?: PluginLock["packageLock"] | undefined;
  /** The plugin set is exactly the lock's: install the package-lock as it is (`npm ci`). */
  frozen: boolean;
}): Promise<InstalledPlugins> {
  const { root, registry, plugins, packageLock, frozen } = options;
  const key = sha256(canonicalJson([...plugins].map((p) => [p.name, p.version, p.integrity]).sort())).slice(0, 20);
  const dir = join(registryCacheDir(root), key);
  const wanted = frozen && packageLock ? sha256(canonicalJson(packageLock)) : undefined;
  let reused = true;
  if (!(await isInstalled(dir, plugins, wanted))) {
    reused = false;
    const partial = `${dir}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    await writeFile(join(partial, "package.json"), packageJsonOf(plugins));
    if (packageLock) await writeFile(join(partial, "package-lock.json"), `${JSON.stringify(packageLock, null, 2)}\n`);
    try {
      await runNpm([frozen && packageLock ? "ci" : "install"], partial, dir, registry);
      const written = await readJson(join(partial, "package-lock.json"));
      if (!written) throw new LoomError(ErrorCode.INTERNAL, `npm wrote no package-lock.json in ${partial}`);
      await writeFile(join(partial, STAMP), `${JSON.stringify({ packageLockSha256: wanted ?? sha256(canonicalJson(written)) }, null, 2)}\n`);
      if (!(await isInstalled(partial, plugins, undefined))) {
        throw new LoomError(ErrorCode.REGISTRY_PACKAGE_INVALID, `npm installed other versions than ${plugins.map((p) => `${p.name}@${p.version}`).join(", ")} in ${partial}`);
      }
      await rm(dir, { recursive: true, force: true });
      await rename(partial, dir);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  await linkHostPackages(dir, options.hostDir);
  if (wanted !== undefined && packageLock) return { dir, packageLock, reused };
  const installed = await readJson(join(dir, "package-lock.json"));
  if (!installed || typeof installed.packages !== "object") throw new LoomError(ErrorCode.INTERNAL, `${dir}/package-lock.json is missing or damaged; delete ${dir}`);
  return { dir, packageLock: installed as PluginLock["packageLock"], reused };
}
