import { describe, expect, it } from "vitest";
import * as z from "zod";
import { DistributionManifestSchema } from "./distribution-manifest.ts";

const problems = (value: unknown) =>
  DistributionManifestSchema.safeParse(value).error?.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);

describe("DistributionManifestSchema", () => {
  it("fills defaults for a minimal manifest", () => {
    expect(DistributionManifestSchema.parse({ host: "@loom/gateway" })).toEqual({
      host: "@loom/gateway",
      plugins: [],
      target: "executable",
      node: "current",
    });
  });

  it("takes package names, registry specs, folders and entries with a placement", () => {
    const manifest = DistributionManifestSchema.parse({
      host: "@loom/gateway",
      plugins: ["@loom/plugin-static", "some-plugin@^1", "./local", { name: "@loom/plugin-headers" }, { path: "../x", placement: "bundled" }],
      target: "bundle",
      node: "22.23.3",
      platform: "linux-arm64",
    });
    expect(manifest.plugins[3]).toEqual({ name: "@loom/plugin-headers", placement: "bundled" });
  });

  it("takes the placements bundled, subprocess and exec, and refuses another with the allowed values", () => {
    const manifest = DistributionManifestSchema.parse({
      host: "@loom/gateway",
      plugins: [{ name: "a", placement: "bundled" }, { name: "b", placement: "subprocess" }, { path: "./c", placement: "exec" }],
    });
    expect(manifest.plugins.map((p) => (typeof p === "string" ? "bundled" : p.placement))).toEqual(["bundled", "subprocess", "exec"]);
    const union = DistributionManifestSchema.safeParse({ host: "h", plugins: [{ name: "a", placement: "inline" }] }).error?.issues[0];
    expect(union).toMatchObject({ code: "invalid_union", path: ["plugins", 0] });
    const branch = (union as { errors: { path: PropertyKey[]; message: string }[][] }).errors.flat().find((i) => i.path[0] === "placement");
    expect(branch?.message).toBe('Invalid option: expected one of "bundled"|"subprocess"|"exec"');
  });

  it("refuses unknown keys, wrong types, bad versions and nameless entries with the path", () => {
    expect(problems({ host: "h", plugin: [] })).toEqual(['(root): Unrecognized key: "plugin"']);
    expect(problems({ host: 5 })).toEqual(["host: Invalid input: expected string, received number"]);
    expect(problems({ host: "h", node: "22" })).toEqual(['node: write "current" or an exact version such as 22.23.3']);
    expect(problems({ host: "h", target: "exe" })).toEqual(['target: Invalid option: expected one of "bundle"|"executable"']);
    expect(problems({ host: "h", plugins: [{ placement: "bundled" }] })).toEqual([
      'plugins.0: name a plugin with "name" (a package) or "path" (a local folder)',
    ]);
  });

  it("has a JSON Schema for editors, committed as distribution.schema.json (update with vitest -u)", async () => {
    const schema = z.toJSONSchema(DistributionManifestSchema, { io: "input" }) as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(["$schema", "host", "version", "plugins", "target", "node", "platform", "output"]);
    expect(schema.additionalProperties).toBe(false);
    await expect(JSON.stringify(schema, null, 2) + "\n").toMatchFileSnapshot("../distribution.schema.json");
  });
});
