import { readFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { startGateway } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { FIXTURE_PLUGIN, tempDir } from "./fixtures.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

/** A port that was free a moment ago. */
function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n");

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("admin API and atomic reload", () => {
  it("serves GET /config and GET /plugins, reloads with POST /load, refuses a broken config and keeps serving", async () => {
    const first = { admin: { listen: "127.0.0.1:0" }, routes: [{ handle: { handler: "respond", body: "one\n" } }] };
    const gw = await startGateway({ plugins: [FIXTURE_PLUGIN], config: first });
    try {
      const admin = gw.adminUrl!;
      expect(await (await fetch(`${admin}/config`)).json()).toMatchObject(first);
      const plugins = (await (await fetch(`${admin}/plugins`)).json()) as { name: string; placement: string; modules: string[] }[];
      expect(plugins).toContainEqual({ name: "@loom/fixture-plugin", version: "1.2.3", placement: "bundled", modules: expect.arrayContaining(["http.handlers.echo"]) });

      const second = { ...first, listen: new URL(gw.url).host, routes: [{ handle: { handler: "respond", body: "two\n" } }] };
      expect(await post(`${admin}/load`, second)).toEqual({ status: 200, json: { ok: true } });
      expect(await (await fetch(gw.url)).text()).toBe("two\n");

      const broken = { ...second, routes: [{ handle: { handler: "respond", status: "x" } }, { handle: { handler: "fail_provision" } }] };
      const refused = await post(`${admin}/load`, broken);
      expect(refused.status).toBe(400);
      expect(refused.json.code).toBe("RELOAD_FAILED");
      expect(refused.json.message).toContain("reload refused, the previous config keeps serving");
      expect(refused.json.diagnostics).toEqual([
        expect.objectContaining({ path: "routes[0].handle.status", module: "http.handlers.respond" }),
        expect.objectContaining({ path: "routes[1].handle", message: "provision failed: cannot reach the database" }),
      ]);
      expect(await (await fetch(gw.url)).text()).toBe("two\n");

      const syntax = await post(`${admin}/load`, "{ nope");
      expect(syntax.status).toBe(400);
      expect(syntax.json.code).toBe("CONFIG_SYNTAX");
      const schema = await post(`${admin}/load`, { routes: "all" });
      expect(schema.status).toBe(400);
      expect(JSON.stringify(schema.json)).toContain("routes");
      expect(await (await fetch(gw.url)).text()).toBe("two\n");
    } finally {
      await gw.stop();
    }
  });

  it("refuses admin requests whose Host or Origin is not loopback", async () => {
    const gw = await startGateway({ config: { admin: { listen: "127.0.0.1:0" } } });
    try {
      const evil = await fetch(`${gw.adminUrl}/config`, { headers: { origin: "http://evil.example" } });
      expect(evil.status).toBe(403);
      const { port } = new URL(gw.adminUrl!);
      const status = await new Promise<number | undefined>((resolve, reject) =>
        request({ host: "127.0.0.1", port, path: "/config", headers: { host: `attacker.example:${port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
          .on("error", reject)
          .end(),
      );
      expect(status).toBe(403);
    } finally {
      await gw.stop();
    }
  });

  it("refuses an admin API on a non-loopback address", async () => {
    const gw = startGateway({ config: { admin: { listen: "0.0.0.0:0" } } });
    await expect(gw).rejects.toThrow("the admin API listens on loopback only");
  });

  it("runs the lifecycle in order: provision, validate, start; stop in reverse; cleanup; old after new on reload", async () => {
    const file = tmp.write("lifecycle.log", "");
    const record = (name: string, failAt?: string) => ({ handler: "record", file, name, ...(failAt ? { failAt } : {}) });
    const config = { admin: { listen: "127.0.0.1:0" }, routes: [{ match: { path: ["/a"] }, handle: record("a") }, { handle: record("b") }] };
    const gw = await startGateway({ plugins: [FIXTURE_PLUGIN], config });
    try {
      expect(lines(file)).toEqual(["a:provision", "a:validate", "b:provision", "b:validate", "a:start", "b:start"]);

      const failing = { ...config, listen: new URL(gw.url).host, routes: [{ handle: record("c") }, { handle: record("d", "start") }] };
      expect((await post(`${gw.adminUrl}/load`, failing)).status).toBe(400);
      expect(lines(file).slice(6)).toEqual(["c:provision", "c:validate", "d:provision", "d:validate", "c:start", "d:start", "c:stop", "d:cleanup", "c:cleanup"]);
      expect(await (await fetch(`${gw.url}/a`)).text()).toBe("a");

      const next = { ...failing, routes: [{ handle: record("e") }] };
      expect((await post(`${gw.adminUrl}/load`, next)).status).toBe(200);
      expect(lines(file).slice(15)).toEqual(["e:provision", "e:validate", "e:start", "b:stop", "a:stop", "b:cleanup", "a:cleanup"]);
    } finally {
      await gw.stop();
    }
    expect(lines(file).slice(-2)).toEqual(["e:stop", "e:cleanup"]);
  });

  it("cleans up what was provisioned when a later module fails to provision", async () => {
    const file = tmp.write("partial.log", "");
    const config = { routes: [{ handle: { handler: "record", file, name: "ok" } }, { handle: { handler: "record", file, name: "bad", failAt: "provision" } }] };
    await expect(startGateway({ plugins: [FIXTURE_PLUGIN], config })).rejects.toThrow("provision failed: bad fails at provision");
    expect(lines(file)).toEqual(["ok:provision", "ok:validate", "bad:provision", "ok:cleanup"]);
  });

  it("moves to a new listen address on reload, and refuses an address in use while the old one keeps serving", async () => {
    const other = await startGateway({ config: { routes: [{ handle: { handler: "respond", body: "other\n" } }] } });
    const gw = await startGateway({ config: { admin: { listen: "127.0.0.1:0" }, routes: [{ handle: { handler: "respond", body: "old\n" } }] } });
    try {
      const busy = await post(`${gw.adminUrl}/load`, { admin: { listen: new URL(gw.adminUrl!).host }, listen: new URL(other.url).host, routes: [] });
      expect(busy.status).toBe(400);
      expect(busy.json.message).toContain("the address is already in use");
      expect(await (await fetch(gw.url)).text()).toBe("old\n");

      const port = await freePort();
      const moved = await post(`${gw.adminUrl}/load`, { admin: { listen: new URL(gw.adminUrl!).host }, listen: `127.0.0.1:${port}`, routes: [{ handle: { handler: "respond", body: "new\n" } }] });
      expect(moved.status).toBe(200);
      await gw.waitForLog((l) => l.msg === "server listening" && l.url === `http://127.0.0.1:${port}`);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("new\n");
      await expect(fetch(gw.url)).rejects.toThrow();
    } finally {
      await gw.stop();
      await other.stop();
    }
  });
});
