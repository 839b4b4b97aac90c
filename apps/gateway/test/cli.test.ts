import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { runGatewayCli } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { DUPLICATE_PLUGIN, FIXTURE_PLUGIN, tempDir } from "./fixtures.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());
const plugins = [FIXTURE_PLUGIN];

describe("gateway CLI", () => {
  it("prints its version, also as JSON", async () => {
    const text = await runGatewayCli(["version"], { plugins });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^gateway \d+\.\d+\.\d+ \(node v\d+/);
    const json = await runGatewayCli(["version", "--json"], { plugins });
    expect(JSON.parse(json.stdout)).toMatchObject({ name: "gateway", node: process.version });
  });

  it("lists every module with its plugin and version", async () => {
    const table = await runGatewayCli(["list-modules"], { plugins });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+PLUGIN\s+VERSION$/m);
    expect(table.stdout).toMatch(/^http\.handlers\.echo\s+@loom\/fixture-plugin\s+1\.2\.3$/m);
    const json = await runGatewayCli(["list-modules", "--json"], { plugins });
    const rows = JSON.parse(json.stdout) as { id: string; plugin: string; version: string }[];
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort());
    expect(rows).toContainEqual(expect.objectContaining({ id: "http.handlers.respond", plugin: "@loom/gateway" }));
    expect(rows).toContainEqual(expect.objectContaining({ id: "http.middleware.tag", plugin: "@loom/fixture-plugin", version: "1.2.3" }));
  });

  it("refuses two plugins that provide the same module ID, naming both", async () => {
    const result = await runGatewayCli(["list-modules"], { plugins: [FIXTURE_PLUGIN, DUPLICATE_PLUGIN] });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "module http.handlers.echo is provided by both @loom/fixture-plugin@1.2.3 and @loom/duplicate-plugin@0.0.1",
    );
  });

  it("says valid for a good config", async () => {
    const file = tmp.write("good.json", JSON.stringify({ routes: [{ handle: { handler: "echo", tag: "x" } }] }));
    const result = await runGatewayCli(["validate", "--config", file], { plugins });
    expect(result).toMatchObject({ code: 0, stdout: `${file}: valid\n` });
  });

  it("reports a JSON syntax error with file and line", async () => {
    const file = tmp.write("syntax.json", '{\n  "routes": [\n    { "handle": { "handler": "echo" } },\n  ]\n}\n');
    const result = await runGatewayCli(["validate", "--config", file], { plugins });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:4: column 3: expected a value`);
  });

  it("reports every problem at once: unknown keys, wrong types, unknown modules with a suggestion", async () => {
    const file = tmp.write(
      "many.json",
      JSON.stringify({
        listn: "127.0.0.1:1",
        routes: [
          { handle: { handler: "ech" } },
          { handle: { handler: "echo", tag: 5 } },
          { handle: { handler: "echo", tga: "x" } },
          { middleware: [{ middleware: "tag" }], handle: { handler: "respond", status: 99 } },
        ],
      }),
    );
    const result = await runGatewayCli(["validate", "--config", file], { plugins });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(root): unknown key "listn"');
    const fixed = tmp.write("many-fixed.json", JSON.stringify({ routes: JSON.parse(JSON.stringify([
      { handle: { handler: "ech" } },
      { handle: { handler: "echo", tag: 5 } },
      { handle: { handler: "echo", tga: "x" } },
      { middleware: [{ middleware: "tag" }], handle: { handler: "respond", status: 99 } },
    ])) }));
    const modules = await runGatewayCli(["validate", "--config", fixed], { plugins });
    expect(modules.code).toBe(1);
    expect(modules.stderr).toContain(`${fixed}: 5 problems`);
    expect(modules.stderr).toContain('routes[0].handle.handler: unknown http.handlers module "ech"');
    expect(modules.stderr).toContain('hint: did you mean "echo"?');
    expect(modules.stderr).toContain("routes[1].handle.tag: Invalid input: expected string, received number (module http.handlers.echo, plugin @loom/fixture-plugin)");
    expect(modules.stderr).toContain('routes[2].handle: unknown key "tga" (module http.handlers.echo');
    expect(modules.stderr).toContain("routes[3].middleware[0].value: Invalid input: expected string, received undefined (module http.middleware.tag");
    expect(modules.stderr).toContain("routes[3].handle.status: Too small: expected number to be >=100 (module http.handlers.respond");
  });

  it("reports a module whose provision throws, with its path and plugin", async () => {
    const file = tmp.write("provision.json", JSON.stringify({ routes: [{ handle: { handler: "fail_provision" } }] }));
    const result = await runGatewayCli(["validate", "--config", file, "--json"], { plugins });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      problems: [
        {
          code: "MODULE_LIFECYCLE_FAILED",
          path: "routes[0].handle",
          module: "http.handlers.fail_provision",
          plugin: "@loom/fixture-plugin",
          message: "provision failed: cannot reach the database",
        },
      ],
    });
  });

  it("names the path of a bad guest module inside a subroute", async () => {
    const file = tmp.write(
      "guest.json",
      JSON.stringify({ routes: [{ handle: { handler: "subroute", routes: [{ handle: { handler: "nope" } }] } }] }),
    );
    const result = await runGatewayCli(["validate", "--config", file], { plugins });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('routes[0].handle.routes[0].handle.handler: unknown http.handlers module "nope"');
  });

  it("says which file it cannot read", async () => {
    const result = await runGatewayCli(["validate", "--config", `${tmp.dir}/missing.json`], { plugins });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot read config ${tmp.dir}/missing.json: no such file`);
  });

  it("explains a port in use and exits 1", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const file = tmp.write("busy.json", JSON.stringify({ listen: `127.0.0.1:${port}`, admin: false }));
      const result = await runGatewayCli(["run", "--config", file], { plugins });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port} (listen): the address is already in use`);
      expect(result.stderr).toContain("hint: another process listens there");
    } finally {
      blocker.close();
    }
  });

  it("rejects unknown commands and options with usage errors", async () => {
    const command = await runGatewayCli(["serve"], { plugins });
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "serve"');
    const option = await runGatewayCli(["validate", "--conf", "x"], { plugins });
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("validate: Unknown option '--conf'");
    const missing = await runGatewayCli(["run"], { plugins });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("run: --config: is required: the gateway config file");
  });

  it("prints a JSON Schema whose handler slots list this build's modules", async () => {
    const result = await runGatewayCli(["schema"], { plugins });
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    const handle = schema.properties.routes.items.properties.handle;
    const names = handle.anyOf.map((v: { properties: { handler: { const: string } } }) => v.properties.handler.const);
    expect(names).toEqual(expect.arrayContaining(["echo", "respond", "subroute", "slow"]));
    const echo = handle.anyOf.find((v: { title: string }) => v.title === "http.handlers.echo");
    expect(echo).toMatchObject({ additionalProperties: false, required: ["handler"], properties: { tag: { type: "string" } } });
  });
});
