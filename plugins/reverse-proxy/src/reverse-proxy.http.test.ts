import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "@loom/testkit";
import type { StartedGateway } from "@loom/testkit";
import { bigBody, sha256, startEchoUpstream } from "../test/echo-upstream.ts";
import type { EchoBody, EchoUpstream } from "../test/echo-upstream.ts";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstreams(...names: string[]): Promise<EchoUpstream[]> {
  const started = await Promise.all(names.map((name) => startEchoUpstream(name)));
  for (const upstream of started) cleanups.push(() => upstream.close());
  return started;
}

/** Starts the gateway with `routes` (or one catch-all proxy route). */
async function gateway(proxy: Record<string, unknown>, routes?: unknown[]): Promise<StartedGateway> {
  const gw = await startGateway({
    plugins: [PLUGIN_DIR],
    config: { routes: routes ?? [{ match: { path: ["/*"] }, handle: { handler: "reverse_proxy", ...proxy } }] },
  });
  cleanups.push(() => gw.stop());
  return gw;
}

async function echo(url: string, init?: RequestInit): Promise<EchoBody> {
  const res = await fetch(url, init);
  expect(res.status).toBe(200);
  return (await res.json()) as EchoBody;
}

/** A request through node:http, which sends the hop-by-hop headers fetch refuses to. */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("http.handlers.reverse_proxy through the gateway, several upstreams", () => {
  it("balances round robin across three upstreams", async () => {
    const [a, b, c] = await upstreams("a", "b", "c");
    const gw = await gateway({ upstreams: [a!.url, b!.url, c!.url] });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await echo(`${gw.url}/rr`)).upstream);
    expect(seen).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  it("keeps answering when an upstream dies and skips it for failDuration", async () => {
    const [a, b, c] = await upstreams("a", "b", "c");
    const gw = await gateway({ upstreams: [a!.url, b!.url, c!.url], health: { failDuration: 60_000 } });
    for (let i = 0; i < 3; i++) await echo(`${gw.url}/warm`);
    await b!.close();
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) seen.push((await echo(`${gw.url}/after/${i}`)).upstream);
    expect(seen).not.toContain("b");
    expect(new Set(seen)).toEqual(new Set(["a", "c"]));
    // Log lines are written in order, so once the last request's access line is in, every warning is too.
    await gw.waitForLog((line) => line.component === "access" && line.url === "/after/8");
    const warnings = gw.logs().filter((line) => line.msg === "upstream request failed");
    // One failure, then b is skipped: no further attempts within failDuration.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, upstream: b!.url });
  });

  it("answers 502 when every upstream is down, then 503 while they are marked down", async () => {
    const [a, b] = await upstreams("a", "b");
    const gw = await gateway({ upstreams: [a!.url, b!.url] });
    await Promise.all([a!.close(), b!.close()]);
    const first = await fetch(`${gw.url}/x`);
    expect(first.status).toBe(502);
    expect(await first.text()).toBe("502 Bad Gateway: the upstream could not be reached\n");
    const second = await fetch(`${gw.url}/x`);
    expect(second.status).toBe(503);
    expect(await second.text()).toBe("503 Service Unavailable: no healthy upstream\n");
    await gw.waitForLog((line) => line.component === "access" && line.status === 503);
    const failed = gw.logs().filter((line) => line.msg === "upstream request failed").map((line) => line.upstream);
    expect(failed.sort()).toEqual([a!.url, b!.url].sort());
  });

  it("lets the gateway shut down cleanly with a kept-alive upstream connection", async () => {
    const [a] = await upstreams("a");
    const gw = await startGateway({
      plugins: [PLUGIN_DIR],
      config: { routes: [{ handle: { handler: "reverse_proxy", upstreams: [a!.url] } }] },
    });
    expect((await echo(`${gw.url}/x`)).upstream).toBe("a");
    const started = Date.now();
    expect(await gw.stop()).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe("http.handlers.reverse_proxy through the gateway, one upstream", () => {
  let shared: StartedGateway;
  let sharedUpstream: EchoUpstream;
  const sharedCleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const upstream = await startEchoUpstream("a");
    sharedUpstream = upstream;
    sharedCleanups.push(() => upstream.close());
    shared = await startGateway({
      plugins: [PLUGIN_DIR],
      config: {
        routes: [
          { match: { path: ["/api/*"] }, handle: { handler: "reverse_proxy", upstreams: [upstream.url], stripPrefix: "/api" } },
          { match: { path: ["/*"] }, handle: { handler: "reverse_proxy", upstreams: [upstream.url] } },
        ],
      },
    });
    sharedCleanups.push(() => shared.stop());
  });

  afterAll(async () => {
    for (const cleanup of sharedCleanups.splice(0).reverse()) await cleanup();
  });

  it("sets X-Forwarded-* and keeps the original Host", async () => {
    const host = new URL(shared.url).host;
    const seen = await echo(`${shared.url}/where?x=1`, { headers: { "x-forwarded-for": "203.0.113.5" } });
    expect(seen.url).toBe("/where?x=1");
    expect(seen.headers).toMatchObject({
      host,
      "x-forwarded-for": "203.0.113.5, 127.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": host,
    });
  });

  it("strips hop-by-hop headers from the request and the response", async () => {
    const res = await rawGet(`${shared.url}/hop`, {
      connection: "x-private",
      "x-private": "secret",
      te: "trailers",
      "proxy-authorization": "Basic eDp5",
      "x-end-to-end": "kept",
    });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as EchoBody;
    expect(seen.headers["x-end-to-end"]).toBe("kept");
    for (const name of ["x-private", "te", "proxy-authorization"]) expect(seen.headers[name], name).toBeUndefined();
    expect(res.headers["x-kept"]).toBe("yes");
    expect(res.headers["x-drop-me"]).toBeUndefined();
    // The gateway's own server may announce keep-alive; the upstream's value must not come through.
    expect(res.headers["keep-alive"]).not.toBe("timeout=77, max=9");
  });

  it("forwards a POST body", async () => {
    const body = "x".repeat(100_000);
    const seen = await echo(`${shared.url}/submit`, { method: "POST", body, headers: { "content-type": "text/plain" } });
    expect(seen.method).toBe("POST");
    expect(seen.body).toBe(body);
    expect(seen.headers["content-length"]).toBe("100000");
  });

  it("streams a 5 MiB response intact", async () => {
    const size = 5 * 1024 * 1024;
    const res = await fetch(`${shared.url}/big/${size}`);
    expect(res.status).toBe(200);
    const received = Buffer.from(await res.arrayBuffer());
    expect(received.byteLength).toBe(size);
    expect(sha256(received)).toBe(sha256(bigBody(size)));
  });

  it("stops the upstream transfer when the client goes away mid-body", async () => {
    const controller = new AbortController();
    const res = await fetch(`${shared.url}/big/${64 * 1024 * 1024}`, { signal: controller.signal });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    for (let i = 0; i < 100 && sharedUpstream.cutShort() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sharedUpstream.cutShort()).toBe(1);
  });

  it("strips a path prefix", async () => {
    expect((await echo(`${shared.url}/api/users?page=2`)).url).toBe("/users?page=2");
    expect((await echo(`${shared.url}/apiary`)).url).toBe("/apiary");
  });
});
