import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { buildDistribution } from "./build-distribution.ts";
import { esbuildBase } from "./esbuild-base.ts";
import { findWorkspaceRoot } from "./find-workspace.ts";

const SCHEMA = fileURLToPath(new URL("../../../packages/protocol/distribution.schema.json", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-compose-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the bundle a build writes", () => {
  it("is byte for byte what esbuild makes of the final generated entry (the probe's bundle with integrity filled in)", async () => {
    const manifest = join(work, "probe-reuse.json");
    writeFileSync(manifest, JSON.stringify({ $schema: SCHEMA, host: "@loom/gateway", target: "bundle", plugins: ["@loom/plugin-static", "@loom/plugin-headers"] }));
    const result = await buildDistribution(manifest, { outDir: join(work, "out") });
    expect(result.cached).toBe(false);

    const written = readFileSync(result.output, "utf8");
    const root = findWorkspaceRoot(fileURLToPath(new URL(".", import.meta.url)));
    const fresh = await build({ ...esbuildBase(root), entryPoints: [result.entry], write: false });
    expect(written === fresh.outputFiles[0]!.text).toBe(true);

    // Each plugin's real integrity is in the bundle, no placeholder is left.
    expect(written).not.toContain("loom-integrity-placeholder");
    for (const plugin of result.buildInfo.plugins) {
      expect(plugin.integrity).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
      expect(written).toContain(JSON.stringify(plugin.integrity));
    }
  });
});
