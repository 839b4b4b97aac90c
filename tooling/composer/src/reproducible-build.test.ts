import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-clones-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a fresh shell: no turbo or vitest variables of the run this test is part of. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith("TURBO_") && !key.startsWith("VITEST") && key !== "NODE_OPTIONS"),
);
const env = { ...cleanEnv, TURBO_TELEMETRY_DISABLED: "1", NO_COLOR: "1" };

async function sh(cwd: string, command: string, args: string[]) {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`, { cause: error });
  }
}

/** A clean clone of this repository at HEAD, installed from the local pnpm store (no network). */
async function cleanClone(name: string): Promise<string> {
  const root = (await sh(here, "git", ["rev-parse", "--show-toplevel"])).trim();
  const dir = join(work, name);
  await sh(work, "git", ["clone", "--quiet", "--no-hardlinks", root, dir]);
  await sh(dir, "pnpm", ["install", "--offline", "--frozen-lockfile", "--reporter=silent"]);
  return dir;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Every output a distribution build leaves: executables, their SBOMs, the bundles inside them, and split's plugin folder. */
const OUTPUTS = [
  "dist/default/gateway",
  "dist/default/gateway.cdx.json",
  "dist/minimal/gateway",
  "dist/minimal/gateway.cdx.json",
  "dist/split/gateway",
  "dist/split/gateway.cdx.json",
  "dist/split/plugins.d/markdown/plugin.cjs",
  "dist/split/plugins.d/markdown/plugin.code.cjs",
  "dist/split/plugins.d/markdown/plugin.json",
  ".loom-cache/default/gateway.cjs",
  ".loom-cache/minimal/gateway.cjs",
  ".loom-cache/split/gateway.cjs",
];

describe("builds in two separate clean clones", () => {
  it(
    "give byte-identical bundles, executables and SBOMs, and an unchanged second `pnpm build:distributions` through turbo is a cache hit",
    async () => {
      // Two clones at different paths, built one after the other (the machine has two cores).
      const a = await cleanClone("clone-a");
      const first = await sh(a, "pnpm", ["exec", "turbo", "run", "build:distributions", "--output-logs=new-only"]);
      expect(first).toMatch(/Cached:\s+0 cached, 1 total/);
      expect(first).toMatch(/built default -> .*dist\/default\/gateway/);

      const again = await sh(a, "pnpm", ["exec", "turbo", "run", "build:distributions", "--output-logs=new-only"]);
      expect(again).toMatch(/Cached:\s+1 cached, 1 total/);
      expect(again).toContain("FULL TURBO");

      const b = await cleanClone("clone-b-at-another-path");
      await sh(b, "pnpm", ["exec", "turbo", "run", "build:distributions", "--output-logs=new-only"]);

      for (const output of OUTPUTS) {
        expect({ output, sha256: sha256(join(b, output)) }).toEqual({ output, sha256: sha256(join(a, output)) });
      }
      // The executable knows the commit both clones were built at.
      const head = (await sh(a, "git", ["rev-parse", "HEAD"])).trim();
      const info = JSON.parse(await sh(b, join(b, "dist/default/gateway"), ["build-info", "--json"])) as { commit: string; distribution: string };
      expect(info).toMatchObject({ commit: head, distribution: "default" });
    },
    600_000,
  );
});
