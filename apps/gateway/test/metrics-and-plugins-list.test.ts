import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { rawRequest, runGatewayCli, startGateway } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import type { PluginRow } from "./plugin-processes.ts";
import { tempDir } from "./fixtures.ts";

/** node-hello/: a Node plugin run by @loom/sdk/serve. */
const NODE_PLUGINS = fileURLToPath(new URL("./fixtures/plugins.d", import.meta.url));
const REQUESTS = 3;

const tmp = tempDir();
afterAll(() => tmp.remove());

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The value of the first sample of `name` whose labels include every one of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (Object.entries(labels).every(([key, value]) => match[2]?.includes(`${key}="${value}"`))) return Number(match[3]);
  }
  return undefined;
}


describe("GET /metrics and gateway plugins list", () => {
  it("exports subprocess plugin calls, latency, state and process metrics, and lists the plugins of the running gateway", async () => {
    const gw = await startGateway({
      config: { admin: { listen: "127.0.0.1:0" }, routes: [{ handle: { handler: "node_hello" } }] },
      args: ["--plugin-dir", NODE_PLUGINS],
    });
    try {
      for (let i = 0; i < REQUESTS; i++) expect((await fetch(`${gw.url}/x/${i}`)).status).toBe(200);

      const response = await fetch(`${gw.adminUrl}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const plugin = { plugin: "node-hello", module: "http.handlers.node_hello" };
      expect(sample(text, "loom_plugin_calls_total", { ...plugin, method: "handle" })).toBe(REQUESTS);
      expect(sample(text, "loom_plugin_call_duration_seconds_count", { ...plugin, method: "handle" })).toBe(REQUESTS);
      expect(sample(text, "loom_plugin_call_duration_seconds_bucket", { ...plugin, method: "handle", le: "+Inf" })).toBe(REQUESTS);
      // Lifecycle steps are calls too (once per process): the load provisioned, validated and started the handler.
      for (const step of ["provision", "validate", "start"]) expect(sample(text, "loom_plugin_calls_total", { ...plugin, method: step })).toBe(1);
      expect(sample(text, "loom_plugin_call_errors_total", plugin)).toBeUndefined();
      expect(text).toContain("# HELP loom_plugin_calls_total Calls to subprocess plugins: method calls and lifecycle steps");
      expect(sample(text, "loom_plugin_state", { plugin: "node-hello", state: "ready" })).toBe(1);
      expect(sample(text, "loom_plugin_state", { plugin: "node-hello", state: "crashed" })).toBe(0);
      expect(sample(text, "loom_plugin_processes", { plugin: "node-hello" })).toBe(1);
      expect(sample(text, "loom_plugin_restarts", { plugin: "node-hello" })).toBe(0);
      expect(sample(text, "loom_plugin_in_flight_calls", { plugin: "node-hello" })).toBe(0);
      expect(sample(text, "loom_http_requests_total", { class: "2xx" })).toBeGreaterThanOrEqual(REQUESTS);
      expect(sample(text, "process_cpu_user_seconds_total", {})).toBeGreaterThan(0);

      // Like the rest of the admin API, /metrics refuses a non-loopback Host (DNS rebinding).
      const refused = await rawRequest(gw.adminUrl!, `GET /metrics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
      expect(refused.status).toBe(403);

      const admin = new URL(gw.adminUrl!).host;
      const json = await runGatewayCli(["plugins", "list", "--json", "--admin", admin]);
      expect(json.stderr).toBe("");
      expect(json.code).toBe(0);
      const row = (JSON.parse(json.stdout) as PluginRow[]).find((r) => r.name === "node-hello");
      expect(row).toMatchObject({ placement: "subprocess", state: "ready" });
      expect(row!.calls).toBeGreaterThanOrEqual(REQUESTS);
      expect(row!.pids).toHaveLength(1);

      // --config reads the admin address from a config file (here one naming the bound port).
      const config = join(tmp.dir, "gateway.json");
      writeFileSync(config, JSON.stringify({ admin: { listen: admin }, routes: [] }));
      const table = await runGatewayCli(["plugins", "list", "--config", config]);
      expect(table.stderr).toBe("");
      expect(table.code).toBe(0);
      const line = table.stdout.split("\n").find((l) => l.startsWith("node-hello "));
      expect(line).toContain(String(row!.pids![0]));
      expect(line).toContain("subprocess");
      expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+PLACEMENT\s+VERSION\s+PIDS\s+STATE\s+RESTARTS\s+CALLS\s+ERRORS\s+P50\s+P99$/);
    } finally {
      expect(await gw.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    }
  });

  it("exits 1 naming the address and the fix when no gateway runs there", async () => {
    const port = await freePort();
    const result = await runGatewayCli(["plugins", "list", "--admin", `127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`no gateway admin API answers at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(result.stderr).toContain("gateway run --config F");
  });
});
