import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runLoom } from "./run-loom.ts";

const SCHEMA = fileURLToPath(new URL("../../../packages/protocol/distribution.schema.json", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "loom-copies-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const write = (file: string, text: string) => {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
};

describe("two copies of @loom/sdk", () => {
  it("are refused before bundling, naming both copies and who reaches each", async () => {
    // A plugin folder outside the workspace with its own installed @loom/sdk: what a plugin that lists the
    // SDK as a dependency (not a peer) looks like after npm install.
    const plugin = join(work, "own-sdk-plugin");
    write(join(plugin, "package.json"), JSON.stringify({ name: "own-sdk-plugin", version: "1.0.0", type: "module", main: "index.js", peerDependencies: { "@loom/sdk": "^0.1.0" } }));
    write(
      join(plugin, "index.js"),
      'import { definePlugin } from "@loom/sdk";\nexport const plugin = definePlugin({ name: "own-sdk-plugin", version: "1.0.0", modules: [] });\n',
    );
    write(join(plugin, "node_modules/@loom/sdk/package.json"), JSON.stringify({ name: "@loom/sdk", version: "0.1.0", type: "module", main: "index.js" }));
    write(join(plugin, "node_modules/@loom/sdk/index.js"), "export function definePlugin(definition) { return definition; }\n");
    const manifest = join(work, "copies.json");
    write(manifest, JSON.stringify({ $schema: SCHEMA, host: "@loom/gateway", target: "bundle", plugins: [plugin] }));

    let err = "";
    const code = await runLoom(["build", manifest, "--out", join(work, "out")], { out: () => undefined, err: (t) => (err += t) });
    expect(code, err).toBe(1);
    expect(err).toContain("2 copies of @loom/sdk would be bundled:");
    expect(err).toMatch(/packages\/sdk \(reached from /);
    expect(err).toMatch(/own-sdk-plugin\/node_modules\/@loom\/sdk \(reached from [^)]*own-sdk-plugin\/index\.js\)/);
    expect(err).toContain("make it a peerDependency, not a dependency");
  });
});
