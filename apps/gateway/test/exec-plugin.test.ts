import http from "node:http";
import { fileURLToPath } from "node:url";
import { runGatewayCli, startGateway } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./fixtures.ts";
import { adminPlugins, alive, waitGone } from "./plugin-processes.ts";

/** node-exec/: an SDK plugin with "placement": "exec" in its plugin.json (one process per request). */
const EXEC_PLUGINS = fileURLToPath(new URL("./fixtures/exec-plugins.d", import.meta.url));

const tmp = tempDir();
afterAll(() => tmp.remove());


const routes = [
  { match: { path: ["/exec/*"] }, handle: { handler: "exec_hello", greeting: "hi from exec" } },
  { handle: { handler: "respond", body: "bundled\n" } },
];

describe("out-of-tree exec plugins", () => {
  // Every request starts `node --import tsx`: give the test room on a busy 2-core machine.
  it("serves a route through a real gateway with one process per request, reports placement exec, and leaves no process behind", { timeout: 60_000 }, async () => {
    const gw = await startGateway({ config: { admin: { listen: "127.0.0.1:0" }, routes }, args: ["--plugin-dir", EXEC_PLUGINS] });
    const pids: number[] = [];
    try {
      const first = await fetch(`${gw.url}/exec/a?x=1`);
      expect([first.status, first.headers.get("x-plugin")]).toEqual([200, "exec"]);
      const answer = (await first.json()) as { greeting: string; method: string; path: string; pid: number };
      expect(answer).toMatchObject({ greeting: "hi from exec", method: "GET", path: "/exec/a?x=1" });
      pids.push(answer.pid);

      const bytes = new Uint8Array(200_000).map((_, i) => (i * 7 + 3) % 256);
      const post = await fetch(`${gw.url}/exec/upload`, { method: "POST", body: bytes, headers: { "content-type": "application/octet-stream" } });
      expect(post.status).toBe(200);
      expect(Buffer.from(await post.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
      pids.push(Number(post.headers.get("x-pid")));
      // Each request ran in its own process, which is gone once it answered.
      expect(new Set(pids).size).toBe(2);
      expect(!pids.some(alive)).toBe(true);

      expect(await (await fetch(`${gw.url}/other`)).text()).toBe("bundled\n");

      // The module's console.log did not corrupt the response: it is a log line of the plugin's process.
      const printed = await gw.waitForLog((line) => line.msg === "exec_hello handles GET /exec/a?x=1");
      expect(printed).toMatchObject({ plugin: "node-exec", pid: answer.pid, stream: "stderr" });

      const rows = await adminPlugins(gw);
      expect(rows.find((row) => row.name === "node-exec")).toMatchObject({ placement: "exec", version: "0.3.0", state: "ready", pids: [], calls: 2, errors: 0 });
      const list = await runGatewayCli(["plugins", "list", "--admin", new URL(gw.adminUrl!).host]);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/node-exec\s+exec\s+0\.3\.0\s+-\s+ready/);
    } finally {
      expect(await gw.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    }
  });

  it("a client that goes away kills its request's exec process", { timeout: 60_000 }, async () => {
    const gw = await startGateway({ config: { routes }, args: ["--plugin-dir", EXEC_PLUGINS] });
    try {
      const url = new URL(gw.url);
      const request = http.get({ host: url.hostname, port: url.port, path: "/exec/wait" });
      request.on("error", () => undefined);
      const waiting = await gw.waitForLog((line) => line.msg === "exec_hello handles GET /exec/wait", 30_000);
      const pid = waiting.pid as number;
      expect(alive(pid)).toBe(true);
      request.destroy();
      // The process group is killed at once, not at the plugin's 20 s timeout.
      expect(await waitGone([pid])).toEqual([]);
    } finally {
      await gw.stop("SIGTERM");
    }
  });

  it("validate runs the plugin's config check: a bad config is CONFIG_INVALID naming the path", { timeout: 60_000 }, async () => {
    const file = tmp.write("bad-exec.json", JSON.stringify({ routes: [{ handle: { handler: "exec_hello", greeting: 5 } }] }));
    const result = await runGatewayCli(["validate", "--config", file, "--plugin-dir", EXEC_PLUGINS]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("routes[0].handle.greeting");
    expect(result.stderr).toContain("expected string");
  });
});
