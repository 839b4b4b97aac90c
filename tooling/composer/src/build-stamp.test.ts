import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildDistribution } from "./build-distribution.ts";
import { readHead } from "./build-stamp.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-stamp-"));
// A plugin of this test's own, inside the workspace (so @loom/gateway resolves) in a folder git ignores.
const local = join(ROOT, ".loom-cache", `stamp-test-${process.pid}`);
afterAll(() => {
  for (const dir of [work, local, join(ROOT, ".loom-cache", "build-stamp-test")]) rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();

describe("readHead", () => {
  it("reads HEAD as git does: this clone, packed refs, a detached HEAD, a worktree", () => {
    expect(readHead(ROOT)).toBe(git(ROOT, "rev-parse", "HEAD"));
    const repo = join(work, "repo");
    mkdirSync(repo);
    const env = ["-c", "user.name=t", "-c", "user.email=t@example.com"];
    git(repo, "init", "-q", "-b", "main");
    writeFileSync(join(repo, "a.txt"), "a");
    git(repo, "add", "a.txt");
    git(repo, ...env, "commit", "-q", "-m", "a");
    expect(readHead(join(repo))).toBe(git(repo, "rev-parse", "HEAD"));
    git(repo, "pack-refs", "--all");
    expect(readHead(repo)).toBe(git(repo, "rev-parse", "HEAD"));
    git(repo, "worktree", "add", "-q", "-b", "side", join(work, "tree"));
    writeFileSync(join(work, "tree", "b.txt"), "b");
    git(join(work, "tree"), "add", "b.txt");
    git(join(work, "tree"), ...env, "commit", "-q", "-m", "b");
    expect(readHead(join(work, "tree"))).toBe(git(join(work, "tree"), "rev-parse", "HEAD"));
    expect(readHead(join(work, "tree"))).not.toBe(readHead(repo));
    git(repo, "checkout", "-q", "--detach", "HEAD");
    expect(readHead(repo)).toBe(git(repo, "rev-parse", "HEAD"));
    expect(readHead(tmpdir())).toBeUndefined();
  });
});

describe("an unchanged rebuild", () => {
  const past = new Date(Date.now() - 60_000);
  const plugin = join(local, "plugin");
  const source = join(plugin, "src", "index.ts");
  mkdirSync(join(plugin, "src"), { recursive: true });
  mkdirSync(join(local, "node_modules", "@loom"), { recursive: true });
  symlinkSync(join(ROOT, "packages", "sdk"), join(local, "node_modules", "@loom", "sdk"), "dir");
  writeFileSync(join(plugin, "package.json"), JSON.stringify({ name: "@loom/fixture-stamp", version: "0.0.1", type: "module", exports: "./src/index.ts" }));
  /** Writes the plugin's source, dated a while ago (a file changed during a build is never stamped). */
  const writeSource = (text: string, secondsAgo: number) => {
    writeFileSync(source, `import { definePlugin } from "@loom/sdk";\nexport const plugin = definePlugin({ name: "@loom/fixture-stamp", version: "0.0.1", modules: [] });\n// ${text}\n`);
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(source, when, when);
  };
  writeSource("one", 60);
  const manifest = join(local, "build-stamp-test.json");
  writeFileSync(manifest, JSON.stringify({ host: "@loom/gateway", target: "bundle", plugins: ["./plugin"] }));
  for (const file of [manifest, join(plugin, "package.json")]) utimesSync(file, past, past);
  const out = join(work, "out");
  const cache = join(ROOT, ".loom-cache", "build-stamp-test");
  const entry = join(cache, "entry.ts");
  /** The slow path writes the generated entry again; the stamp's fast path touches nothing. */
  const entryTime = () => statSync(entry).mtimeMs;

  it("is answered from the stamp, and a changed source, a missing output or another commit is not", async () => {
    expect((await buildDistribution(manifest, { outDir: out })).cached).toBe(false);
    const stamped = await buildDistribution(manifest, { outDir: out });
    expect(stamped.cached).toBe(true);
    const before = entryTime();
    const fast = await buildDistribution(manifest, { outDir: out });
    expect(fast).toEqual(stamped);
    expect(entryTime()).toBe(before);

    writeSource("two", 30);
    const changed = await buildDistribution(manifest, { outDir: out });
    expect(changed.cached).toBe(false);
    expect(readFileSync(changed.output, "utf8")).toContain("@loom/fixture-stamp");
    expect((await buildDistribution(manifest, { outDir: out })).cached).toBe(true);

    // A stamp that names another commit than HEAD's: the build-info must not be stale.
    const stampFile = join(cache, "build-stamp.json");
    const stamp = JSON.parse(readFileSync(stampFile, "utf8"));
    stamp.result.buildInfo.commit = "0".repeat(40);
    writeFileSync(stampFile, JSON.stringify(stamp));
    const recommitted = await buildDistribution(manifest, { outDir: out });
    expect(recommitted.buildInfo.commit).not.toBe("0".repeat(40));
    expect(entryTime()).not.toBe(before);

    rmSync(out, { recursive: true });
    expect((await buildDistribution(manifest, { outDir: out })).cached).toBe(false);
  });
});
