import { cpSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runGatewayCli, startGateway } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./fixtures.ts";
import { adminPlugins, alive, waitGone } from "./plugin-processes.ts";

/** examples/ holds python-plugin/ (plugin.json + plugin.py): a plugin dir as it is. */
const EXAMPLES = fileURLToPath(new URL("../../../examples", import.meta.url));
/** node-hello/: a Node plugin run by @loom/sdk/serve. */
const NODE_PLUGINS = fileURLToPath(new URL("./fixtures/plugins.d", import.meta.url));

const tmp = tempDir();
afterAll(() => tmp.remove());

/** A plugin dir whose python plugin (module py_tampered) has a plugin.py that no longer matches its hash. */
function tamperedPluginDir(): string {
  const dir = join(tmp.dir, "tampered.d");
  const folder = join(dir, "tampered");
  cpSync(join(EXAMPLES, "python-plugin"), folder, { recursive: true });
  writeFileSync(join(folder, "plugin.py"), readFileSync(join(folder, "plugin.py"), "utf8") + "\n# changed after plugin.json was written\n");
  const manifest = JSON.parse(readFileSync(join(folder, "plugin.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(folder, "plugin.json"), JSON.stringify({ ...manifest, name: "tampered", modules: ["http.handlers.py_tampered"] }));
  return dir;
}


const routes = [
  { match: { path: ["/py/*"] }, handle: { handler: "py_hello", greeting: "hi" } },
  { match: { path: ["/node/*"] }, handle: { handler: "node_hello" } },
  { handle: { handler: "respond", body: "bundled\n" } },
];

describe("out-of-tree subprocess plugins", () => {
  it("serves routes from a Python and a Node plugin next to a bundled one, reports them, and leaves no process behind", async () => {
    const gw = await startGateway({
      config: { admin: { listen: "127.0.0.1:0" }, routes },
      args: ["--plugin-dir", EXAMPLES, "--plugin-dir", NODE_PLUGINS],
    });
    let pids: number[] = [];
    try {
      const get = await fetch(`${gw.url}/py/some/path?q=1`);
      expect(get.status).toBe(200);
      expect(get.headers.get("x-plugin")).toBe("python");
      expect(await get.json()).toMatchObject({ greeting: "hi", method: "GET", path: "/py/some/path", url: "/py/some/path?q=1" });

      const bytes = new Uint8Array(4096).map((_, i) => (i * 7 + 3) % 256);
      const post = await fetch(`${gw.url}/py/echo`, { method: "POST", body: bytes, headers: { "content-type": "application/octet-stream" } });
      expect(post.status).toBe(200);
      expect(Buffer.from(await post.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);

      const node = await fetch(`${gw.url}/node/x`);
      expect([node.status, node.headers.get("x-plugin")]).toEqual([200, "node"]);
      expect(await node.json()).toMatchObject({ greeting: "hello from node", method: "GET", path: "/node/x" });

      const bundled = await fetch(`${gw.url}/other`);
      expect([bundled.status, await bundled.text()]).toEqual([200, "bundled\n"]);

      const rows = await adminPlugins(gw);
      const py = rows.find((row) => row.name === "python-hello")!;
      expect(py).toMatchObject({ placement: "subprocess", version: "0.1.0", state: "ready", restarts: 0, errors: 0 });
      expect(py.pids).toHaveLength(1);
      expect(py.calls).toBeGreaterThan(0);
      expect(py.latencyMs!.p99).toBeGreaterThanOrEqual(py.latencyMs!.p50);
      const nodeRow = rows.find((row) => row.name === "node-hello")!;
      expect(nodeRow).toMatchObject({ placement: "subprocess", version: "0.2.0", state: "ready" });
      expect(rows.find((row) => row.name === "@loom/gateway")).toMatchObject({ placement: "bundled" });
      pids = [...py.pids!, ...nodeRow.pids!];
      expect(pids.every(alive)).toBe(true);

      // The plugin's stderr is logged under its child logger { plugin, pid }.
      const ready = await gw.waitForLog((line) => line.msg === "python plugin ready");
      expect(ready).toMatchObject({ plugin: "python-hello", pid: py.pids![0], stream: "stderr" });
      // One `pid` per line, the plugin's: a repeated key is a line log stores refuse.
      const text = gw.rawLogs().find((line) => line.includes('"python plugin ready"'))!;
      expect(text.match(/"pid":/g)).toEqual(['"pid":']);

      // A reload with the same plugins keeps their processes.
      const load = await fetch(`${gw.adminUrl}/load`, { method: "POST", body: JSON.stringify({ listen: new URL(gw.url).host, admin: { listen: new URL(gw.adminUrl!).host }, routes }) });
      expect(load.status).toBe(200);
      expect((await adminPlugins(gw)).find((row) => row.name === "python-hello")!.pids).toEqual(py.pids);
    } finally {
      expect(await gw.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    }
    expect(pids).toHaveLength(2);
    expect(await waitGone(pids)).toEqual([]);
  });

  it("a client that goes away cancels its request's call in the subprocess plugin", async () => {
    const config = { admin: { listen: "127.0.0.1:0" }, routes: [{ handle: { handler: "node_wait" } }] };
    const gw = await startGateway({ config, args: ["--plugin-dir", NODE_PLUGINS] });
    try {
      const url = new URL(gw.url);
      const request = http.get({ host: url.hostname, port: url.port, path: "/wait" });
      request.on("error", () => undefined);
      // Once the plugin has the call (one in flight, says /metrics), the client leaves.
      const inFlight = async () => /loom_plugin_in_flight_calls\{plugin="node-hello"\} 1\b/.test(await (await fetch(`${gw.adminUrl}/metrics`)).text());
      await expect.poll(inFlight, { timeout: 5_000 }).toBe(true);
      request.destroy();
      const cancelled = await gw.waitForLog((line) => typeof line.msg === "string" && line.msg.startsWith("node_wait cancelled"));
      expect(cancelled).toMatchObject({ plugin: "node-hello", stream: "stderr" });
      expect(cancelled.msg).toBe("node_wait cancelled: CALL_CANCELLED: the host cancelled the call (cancelled)");
    } finally {
      await gw.stop("SIGTERM");
    }
  });

  it("refuses a plugin whose file does not match its hash, naming the file, and still serves the rest", async () => {
    const tampered = tamperedPluginDir();
    const config = { admin: { listen: "127.0.0.1:0" }, routes: [routes[0], routes[2]] };
    const gw = await startGateway({ config, args: ["--plugin-dir", tampered, "--plugin-dir", EXAMPLES, "--plugin-dir", NODE_PLUGINS] });
    try {
      const refused = await gw.waitForLog((line) => line.msg === "plugin refused (the config does not use it)");
      expect(JSON.stringify(refused.problems)).toContain("plugin.py does not match its hash in plugin.json");
      expect((await fetch(`${gw.url}/py/a`)).status).toBe(200);
      expect(await (await fetch(`${gw.url}/b`)).text()).toBe("bundled\n");
      // Only the plugins the config needs are started.
      const rows = await adminPlugins(gw);
      expect(rows.map((row) => row.name)).toContain("python-hello");
      expect(rows.map((row) => row.name)).not.toContain("node-hello");
      expect(rows.map((row) => row.name)).not.toContain("tampered");

      // A reload that no longer needs the python plugin stops it.
      const pid = rows.find((row) => row.name === "python-hello")!.pids![0]!;
      const load = await fetch(`${gw.adminUrl}/load`, {
        method: "POST",
        body: JSON.stringify({ listen: new URL(gw.url).host, admin: { listen: new URL(gw.adminUrl!).host }, routes: [routes[2]] }),
      });
      expect(load.status).toBe(200);
      expect(await waitGone([pid])).toEqual([]);
      expect((await adminPlugins(gw)).map((row) => row.name)).not.toContain("python-hello");
    } finally {
      await gw.stop("SIGTERM");
    }
  });

  it("schema describes every out-of-tree module's config as its handshake announced it; a refused plugin fails it", async () => {
    const result = await runGatewayCli(["schema", "--plugin-dir", NODE_PLUGINS, "--plugin-dir", EXAMPLES]);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    type Variant = { title: string; properties: Record<string, { const?: string; description?: string; default?: unknown }>; additionalProperties: unknown };
    const handlers = (JSON.parse(result.stdout) as { properties: { routes: { items: { properties: { handle: { anyOf: Variant[] } } } } } }).properties.routes.items.properties.handle.anyOf;
    const node = handlers.find((v) => v.title === "http.handlers.node_hello")!;
    expect(node.properties.handler).toEqual({ const: "node_hello", description: "http.handlers.node_hello (node-hello)" });
    expect(node.properties.greeting).toMatchObject({ type: "string", default: "hello from node", description: "Put in the answer." });
    expect(node.additionalProperties).toBe(false);
    // The python plugin announces no schema (optional in protocol v1): any keys, checked by the plugin.
    const python = handlers.find((v) => v.title === "http.handlers.py_hello")!;
    expect(python.properties.handler!.const).toBe("py_hello");
    expect(python.additionalProperties).toEqual({});
    expect(handlers.map((v) => v.title)).toContain("http.handlers.static");

    const refused = await runGatewayCli(["schema", "--plugin-dir", tamperedPluginDir()]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("schema: these out-of-tree plugins could not describe their modules:");
    expect(refused.stderr).toContain("plugin.py does not match its hash");
  });

  it("validate reports a config that needs a refused plugin as an error naming the plugin, the file and the fix", async () => {
    const tampered = tamperedPluginDir();
    const file = tmp.write("needs-tampered.json", JSON.stringify({ routes: [{ handle: { handler: "py_tampered" } }] }));
    const result = await runGatewayCli(["validate", "--config", file, "--plugin-dir", tampered]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("plugin tampered, which provides http.handlers.py_tampered, is refused: plugin.py does not match its hash");
    expect(result.stderr).toContain(join(tampered, "tampered", "plugin.py"));
    expect(result.stderr).toContain('set files["plugin.py"] to "sha256-');

    const ok = tmp.write("needs-python.json", JSON.stringify({ routes: [{ handle: { handler: "py_hello" } }] }));
    const valid = await runGatewayCli(["validate", "--config", ok, "--plugin-dir", EXAMPLES]);
    expect([valid.code, valid.stdout]).toEqual([0, `${ok}: valid\n`]);
  });
});
