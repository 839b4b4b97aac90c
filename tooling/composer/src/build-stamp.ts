import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { resolvePluginRef } from "@loom/protocol";
import type { BuildResult } from "./build-distribution.ts";
import { gitCommit } from "./git-commit.ts";
import type { LoadedManifest } from "./read-manifest.ts";
import { pluginFolderFiles } from "./write-plugin-folders.ts";

export interface BuildStamp {
  /** The last build's result when nothing it was made from has changed since; undefined otherwise. */
  unchanged: BuildResult | undefined;
  /**
   * Records a build (made, or found unchanged by its inputs' hash) and its inputs (relative to the root),
   * so that the next unchanged one skips the work; resolves with the result.
   */
  record(result: BuildResult, inputs: string[]): Promise<BuildResult>;
}

interface StampFile {
  key: string;
  /** Absolute path -> fileStamp of every file the build depends on, the output included. */
  files: Record<string, string>;
  result: BuildResult;
}

/** A file changed this close to the start of a build may have changed after it was read: not stamped. */
const RACY_MS = 1000;

/** `size:mtimeMs`, or "absent" (a file that appears later, say a tsconfig.json, changes the stamp too). */
const fileStamp = (file: string): string => {
  try {
    const { size, mtimeMs } = statSync(file);
    return `${size}:${mtimeMs}`;
  } catch {
    return "absent";
  }
};

/** The first line of a file, or undefined. */
function firstLine(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8").split("\n")[0]?.trim();
  } catch {
    return undefined;
  }
}

/**
 * HEAD's commit read from the .git folder (a worktree's too), without starting git (~20 ms); undefined
 * when it cannot tell. Only ever compared with what `git rev-parse HEAD` said at the last build, so a
 * layout it misreads costs a slow path, never a stale build-info.
 */
export function readHead(root: string): string | undefined {
  let dir = root;
  while (!existsSync(join(dir, ".git"))) {
    if (dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
  let gitDir = join(dir, ".git");
  const pointer = statSync(gitDir).isFile() ? firstLine(gitDir) : undefined;
  if (pointer?.startsWith("gitdir: ")) gitDir = resolve(dir, pointer.slice(8));
  const common = firstLine(join(gitDir, "commondir"));
  const commonDir = common ? resolve(gitDir, common) : gitDir;
  const head = firstLine(join(gitDir, "HEAD"));
  if (head === undefined) return undefined;
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  const loose = firstLine(join(gitDir, ref)) ?? firstLine(join(commonDir, ref));
  if (loose && /^[0-9a-f]{40}$/.test(loose)) return loose;
  try {
    const packed = readFileSync(join(commonDir, "packed-refs"), "utf8").split("\n").find((line) => line.endsWith(` ${ref}`));
    return packed?.slice(0, 40);
  } catch {
    return undefined;
  }
}


/** The files of the running composer: the bundled CLI (dist/loom.mjs and its chunks), or its sources under tsx. */
export function composerFiles(): string[] {
  const here = fileURLToPath(import.meta.url);
  const code = here.endsWith(".mjs") ? (file: string) => file.endsWith(".mjs") : (file: string) => file.endsWith(".ts") && !file.endsWith(".test.ts");
  return readdirSync(dirname(here), { recursive: true, encoding: "utf8" })
    .filter(code)
    .sort()
    .map((file) => join(dirname(here), file));
}

/** The folder of the package.json nearest to a file, up to the root. */
function packageDirOf(file: string, root: string, seen: Map<string, string | undefined>): string | undefined {
  const dir = dirname(file);
  if (seen.has(dir)) return seen.get(dir);
  const found = existsSync(join(dir, "package.json")) ? dir : dir === root || !dir.startsWith(root + sep) ? undefined : packageDirOf(dir, root, seen);
  seen.set(dir, found);
  return found;
}

/**
 * The fast path of an unchanged rebuild. The slow path resolves every plugin (reading each one's
 * exports), probes the bundle with esbuild and hashes every input: most of a second before it can say
 * "unchanged". A build also leaves a stamp: the size and mtime of every file it depends on (every bundled
 * file; the package.json and tsconfig.json of each workspace package in it; the manifest; the
 * workspace's package.json, lockfile and pnpm-workspace.yaml; the composer itself; the output and the
 * files of its plugin folders) and a key
 * over everything else it used (manifest hash and overrides, options, working folder, Node,
 * SOURCE_DATE_EPOCH). When the key and every stamp match, and HEAD is still the commit the build-info
 * names, the last result is returned without resolving anything. Registry plugins and a pinned Node
 * always take the slow path: resolving them asks the registry. A file whose mtime is within RACY_MS of
 * the build's start is not trusted (the stamp is not written), so an edit made while a build runs is
 * never mistaken for what was built.
 */
export async function openBuildStamp(loaded: LoadedManifest, root: string, options: { outDir?: string; registry?: string }): Promise<BuildStamp> {
  const startedAt = Date.now();
  const file = join(root, ".loom-cache", loaded.name, "build-stamp.json");
  const usable = loaded.manifest.node === "current" && loaded.manifest.plugins.every((p) => resolvePluginRef(p).kind !== "registry");
  if (!usable) return { unchanged: undefined, record: async (result) => result };
  const key = createHash("sha256")
    .update(
      JSON.stringify({
        manifest: loaded.file,
        sha256: loaded.sha256,
        resolved: loaded.manifest,
        outDir: options.outDir === undefined ? null : resolve(options.outDir),
        registry: options.registry ?? null,
        cwd: process.cwd(),
        node: [process.execPath, process.version, process.platform, process.arch],
        sourceDateEpoch: process.env.SOURCE_DATE_EPOCH ?? null,
      }),
    )
    .digest("hex");

  let unchanged: BuildResult | undefined;
  try {
    const previous = JSON.parse(readFileSync(file, "utf8")) as StampFile;
    const same =
      previous.key === key &&
      Object.entries(previous.files).every(([path, stamp]) => fileStamp(path) === stamp) &&
      existsSync(previous.result.sbom) &&
      (readHead(root) ?? gitCommit(root)) === previous.result.buildInfo.commit;
    if (same) {
      unchanged = { ...previous.result, pluginFolders: previous.result.pluginFolders ?? [], cached: true };
    }
  } catch {
    // No stamp yet, or an unreadable one: take the slow path.
  }

  return {
    unchanged,
    async record(result, inputs) {
      const entryDir = dirname(result.entry);
      const seen = new Map<string, string | undefined>();
      const workspaceFiles = ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"].map((name) => join(root, name));
      const written = new Set([result.output, ...result.pluginFolders.flatMap(pluginFolderFiles)]);
      const paths = new Set<string>([loaded.file, ...workspaceFiles, ...composerFiles(), ...written]);
      for (const input of inputs) {
        const path = resolve(root, input);
        if (path.startsWith(entryDir + sep)) continue; // the generated entry: rewritten by every build, made from the rest
        paths.add(path);
        const pkg = path.includes(`${sep}node_modules${sep}`) ? undefined : packageDirOf(path, root, seen);
        if (pkg) for (const name of ["package.json", "tsconfig.json"]) paths.add(join(pkg, name));
      }
      const files: Record<string, string> = {};
      for (const path of [...paths].sort()) {
        const stamp = fileStamp(path);
        if (!written.has(path) && stamp !== "absent" && Number(stamp.split(":")[1]) > startedAt - RACY_MS) return result;
        files[path] = stamp;
      }
      const { cached: _cached, ...rest } = result;
      await writeFile(file, JSON.stringify({ key, files, result: { ...rest, cached: false } } satisfies StampFile) + "\n");
      return result;
    },
  };
}
