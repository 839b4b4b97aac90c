import { runGatewayCli } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./fixtures.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const moduleIds = (stdout: string) => (JSON.parse(stdout) as { id: string }[]).map((m) => m.id);

describe("gateway from sources with a distribution manifest", () => {
  it("loads the plugins of a named distribution", async () => {
    const minimal = await runGatewayCli(["list-modules", "--json", "--distribution", "minimal"]);
    expect(minimal.code).toBe(0);
    expect(moduleIds(minimal.stdout)).toEqual(["http.handlers.respond", "http.handlers.static", "http.handlers.subroute"]);
    const fallback = await runGatewayCli(["list-modules", "--json"]);
    expect(moduleIds(fallback.stdout)).toEqual(expect.arrayContaining(["http.handlers.reverse_proxy", "http.middleware.basic_auth"]));
  });

  it("takes zero plugins: the bare host", async () => {
    const file = tmp.write("bare.json", JSON.stringify({ host: "@loom/gateway" }));
    const result = await runGatewayCli(["list-modules", "--json", "--distribution", file]);
    expect(moduleIds(result.stdout)).toEqual(["http.handlers.respond", "http.handlers.subroute"]);
  });

  it("names the file and key of a bad manifest, and suggests a workspace plugin for a typo", async () => {
    const unknownKey = tmp.write("extra.json", JSON.stringify({ host: "@loom/gateway", plugin: [] }));
    const bad = await runGatewayCli(["version", "--distribution", unknownKey]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${unknownKey} (root): unknown key "plugin"`);
    const typo = tmp.write("typo.json", JSON.stringify({ host: "@loom/gateway", plugins: ["@loom/plugin-statc"] }));
    const suggested = await runGatewayCli(["version", "--distribution", typo]);
    expect(suggested.code).toBe(1);
    expect(suggested.stderr).toContain(`${typo}: no workspace plugin named @loom/plugin-statc; did you mean @loom/plugin-static?`);
    const folder = tmp.write("folder.json", JSON.stringify({ host: "@loom/gateway", plugins: ["./no-such-plugin"] }));
    const missing = await runGatewayCli(["version", "--distribution", folder]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`plugin folder ${tmp.dir}/no-such-plugin has no package.json`);
  });
});
