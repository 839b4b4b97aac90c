import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loom } from "../test/capture-loom.ts";

const work = mkdtempSync(join(tmpdir(), "loom-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const STATIC_DIR = fileURLToPath(new URL("../../../plugins/static", import.meta.url));


describe("loom list, check and ad-hoc plugins", () => {
  it("lists the workspace's plugins with their modules", async () => {
    const result = await loom(["list", "--json"]);
    expect(result.code).toBe(0);
    const plugins = JSON.parse(result.out) as { name: string; version: string; modules: { id: string }[] }[];
    expect(plugins.map((p) => p.name)).toEqual([...plugins.map((p) => p.name)].sort());
    expect(plugins).toContainEqual(expect.objectContaining({ name: "@loom/plugin-static", version: "0.1.0", modules: [expect.objectContaining({ id: "http.handlers.static" })] }));
    expect(plugins.length).toBeGreaterThanOrEqual(6);
  });

  it("checks every distribution in the repo with --all", async () => {
    const result = await loom(["check", "--all", "--json"]);
    expect(result.code).toBe(0);
    const checked = JSON.parse(result.out) as { distribution: string; ok: boolean }[];
    expect(checked.map((c) => c.distribution)).toEqual(expect.arrayContaining(["default", "minimal", "split"]));
    expect(checked.every((c) => c.ok)).toBe(true);
  });

  it("adds plugins with --with and swaps one for a folder with --replace", async () => {
    const manifest = join(work, "m.json");
    writeFileSync(manifest, JSON.stringify({ host: "@loom/gateway", plugins: ["@loom/plugin-static"], target: "bundle" }));
    const result = await loom(["check", manifest, "--with", "@loom/plugin-headers", "--replace", `@loom/plugin-static=${STATIC_DIR}`, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)[0].plugins).toEqual(["@loom/plugin-static", "@loom/plugin-headers"]);
    const unknown = await loom(["check", manifest, "--with", "@loom/plugin-hedaers"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("plugins.1: no workspace plugin named @loom/plugin-hedaers");
    expect(unknown.err).toContain("did you mean @loom/plugin-headers?");
    // Registry plugins themselves are tested against a real registry in registry-plugins.test.ts; here a closed port.
    const registry = await loom(["check", manifest, "--with", "left-pad@^1", "--registry", "http://127.0.0.1:9/"]);
    expect(registry.err).toContain("plugins.1: registry http://127.0.0.1:9/ cannot be reached (");
  });

  it("refuses malformed arguments with usage errors", async () => {
    expect(await loom(["check"])).toMatchObject({ code: 2, err: "error: check: name at least one manifest file, or --all\n" });
    const replace = await loom(["build", "x.json", "--replace", "nopath"]);
    expect(replace).toMatchObject({ code: 2, err: "error: build: --replace takes name=path\n" });
    const unknown = await loom(["make"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "make"');
  });
});
