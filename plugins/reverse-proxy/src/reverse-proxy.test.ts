import { afterEach, describe, expect, it } from "vitest";
import type { HttpRequest, HttpResponse } from "@loom/sdk";
import { createTestContext, createTestRequest } from "@loom/sdk/testing";
import { bigBody, readBody, sha256, startEchoUpstream } from "../test/echo-upstream.ts";
import type { EchoBody, EchoUpstream } from "../test/echo-upstream.ts";
import { createRecordingLogger } from "../test/test-context.ts";
import type { LogRecord } from "../test/test-context.ts";
import { reverseProxy } from "./reverse-proxy.ts";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstreams(...names: string[]): Promise<EchoUpstream[]> {
  const started = await Promise.all(names.map((name) => startEchoUpstream(name)));
  for (const upstream of started) cleanups.push(() => upstream.close());
  return started;
}

/** A URL nothing listens on: an upstream started and closed again. */
async function deadUrl(): Promise<string> {
  const upstream = await startEchoUpstream("dead");
  await upstream.close();
  return upstream.url;
}

async function startProxy(raw: Record<string, unknown>) {
  const records: LogRecord[] = [];
  const instance = await reverseProxy.create(
    reverseProxy.configSchema.parse(raw),
    createTestContext(reverseProxy.id, { logger: createRecordingLogger(records) }),
  );
  await instance.provision?.();
  cleanups.push(async () => instance.cleanup?.());
  const handle = (overrides: Partial<HttpRequest> = {}, signal = new AbortController().signal): Promise<HttpResponse> =>
    Promise.resolve(instance.handle(createTestRequest({ headers: { host: "site.test" }, remoteAddress: "10.0.0.1", ...overrides }), { signal }));
  return { instance, handle, records };
}

async function echoOf(response: HttpResponse): Promise<EchoBody> {
  expect(response.status).toBe(200);
  return JSON.parse((await readBody(response.body)).toString("utf8")) as EchoBody;
}

describe("reverse_proxy", () => {
  it("rotates round robin across three upstreams", async () => {
    const [a, b, c] = await upstreams("a", "b", "c");
    const proxy = await startProxy({ upstreams: [a!.url, b!.url, c!.url] });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await echoOf(await proxy.handle())).upstream);
    expect(seen).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  it("first sends everything to the first upstream", async () => {
    const [a, b] = await upstreams("a", "b");
    const proxy = await startProxy({ upstreams: [a!.url, b!.url], lbPolicy: "first" });
    for (let i = 0; i < 3; i++) expect((await echoOf(await proxy.handle())).upstream).toBe("a");
    expect(b!.hits()).toBe(0);
  });

  it("skips a dead upstream for failDuration, then tries it again", async () => {
    const [a, b, c] = await upstreams("a", "b", "c");
    const proxy = await startProxy({ upstreams: [a!.url, b!.url, c!.url], health: { failDuration: 2000 } });
    // Warm up so the pool holds a keep-alive connection to b when it dies.
    for (let i = 0; i < 3; i++) await echoOf(await proxy.handle());
    await b!.close();
    const failedAt = Date.now();
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await echoOf(await proxy.handle())).upstream);
    expect(seen).not.toContain("b");
    const failures = proxy.records.filter((record) => record.level === "warn" && record.msg === "upstream request failed");
    expect(failures.map((record) => record.fields.upstream)).toEqual([b!.url]);

    const revived = await startEchoUpstream("b2", Number(new URL(b!.url).port));
    cleanups.push(() => revived.close());
    for (let i = 0; i < 3; i++) await echoOf(await proxy.handle());
    expect(Date.now() - failedAt).toBeLessThan(2000);
    expect(revived.hits()).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 2100 - (Date.now() - failedAt)));
    const later: string[] = [];
    for (let i = 0; i < 3; i++) later.push((await echoOf(await proxy.handle())).upstream);
    expect(later).toContain("b2");
  });

  it("answers 502 when every upstream is unreachable, then 503 while all are marked down", async () => {
    const proxy = await startProxy({ upstreams: [await deadUrl(), await deadUrl()] });
    const first = await proxy.handle();
    expect(first.status).toBe(502);
    expect((await readBody(first.body)).toString()).toBe("502 Bad Gateway: the upstream could not be reached\n");
    expect(proxy.records.filter((record) => record.level === "warn" && record.fields.code === "ECONNREFUSED")).toHaveLength(2);
    const second = await proxy.handle();
    expect(second.status).toBe(503);
    expect((await readBody(second.body)).toString()).toBe("503 Service Unavailable: no healthy upstream\n");
  });

  it("tries no other upstream when retries is 0", async () => {
    const [live] = await upstreams("live");
    const proxy = await startProxy({ upstreams: [await deadUrl(), live!.url], lbPolicy: "first", retries: 0 });
    expect((await proxy.handle()).status).toBe(502);
    expect(live!.hits()).toBe(0);
    // The dead one is now marked down, so the next request goes to the live one.
    expect((await echoOf(await proxy.handle())).upstream).toBe("live");
  });

  it("retries a POST on the next upstream after a connection error", async () => {
    const [live] = await upstreams("live");
    const proxy = await startProxy({ upstreams: [await deadUrl(), live!.url], lbPolicy: "first" });
    const echo = await echoOf(await proxy.handle({ method: "POST", body: new TextEncoder().encode("payload") }));
    expect([echo.upstream, echo.body]).toEqual(["live", "payload"]);
  });

  it("keeps Host and sets X-Forwarded-For, -Proto and -Host", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url] });
    const echo = await echoOf(
      await proxy.handle({ url: "/p?q=1", headers: { host: "site.test:8443", "x-forwarded-for": "1.2.3.4" } }),
    );
    expect(echo.url).toBe("/p?q=1");
    expect(echo.headers).toMatchObject({
      host: "site.test:8443",
      "x-forwarded-for": "1.2.3.4, 10.0.0.1",
      "x-forwarded-proto": "http",
      "x-forwarded-host": "site.test:8443",
    });
  });

  it("strips hop-by-hop headers in both directions", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url] });
    const response = await proxy.handle({
      url: "/hop",
      headers: { host: "h", connection: "x-private", "x-private": "1", te: "trailers", "proxy-authorization": "x", "x-ok": "1" },
    });
    const echo = await echoOf(response);
    expect(echo.headers["x-ok"]).toBe("1");
    for (const name of ["x-private", "te", "proxy-authorization"]) expect(echo.headers[name], name).toBeUndefined();
    expect(response.headers?.["x-kept"]).toBe("yes");
    for (const name of ["connection", "keep-alive", "x-drop-me", "transfer-encoding"]) {
      expect(response.headers?.[name], name).toBeUndefined();
    }
  });

  it("forwards a POST body", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url] });
    const body = new TextEncoder().encode(JSON.stringify({ hello: "wörld" }));
    const echo = await echoOf(
      await proxy.handle({ method: "POST", headers: { host: "h", "content-type": "application/json", "content-length": "999" }, body }),
    );
    expect(echo.method).toBe("POST");
    expect(echo.body).toBe('{"hello":"wörld"}');
    expect(echo.headers["content-length"]).toBe(String(body.byteLength));
  });

  it("streams a 5 MiB response back intact", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url] });
    const size = 5 * 1024 * 1024;
    const response = await proxy.handle({ url: `/big/${size}` });
    expect(response.status).toBe(200);
    expect(response.body).not.toBeInstanceOf(Uint8Array);
    expect(typeof (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]).toBe("function");
    const received = await readBody(response.body);
    expect(received.byteLength).toBe(size);
    expect(sha256(received)).toBe(sha256(bigBody(size)));
  });

  it("answers 504 when the upstream sends no headers in time", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url], timeouts: { headers: 100 } });
    const response = await proxy.handle({ url: "/slow/2000" });
    expect(response.status).toBe(504);
    expect(proxy.records.find((record) => record.level === "warn")?.fields).toMatchObject({
      upstream: a!.url,
      code: "UND_ERR_HEADERS_TIMEOUT",
    });
  });

  it("counts unhealthyStatus answers as failures but passes them on", async () => {
    const [a, b] = await upstreams("a", "b");
    const proxy = await startProxy({ upstreams: [a!.url, b!.url], health: { unhealthyStatus: [503] } });
    const first = await proxy.handle({ url: "/status/503" });
    expect(first.status).toBe(503);
    expect(JSON.parse((await readBody(first.body)).toString()).upstream).toBe("a");
    const next: string[] = [];
    for (let i = 0; i < 3; i++) next.push((await echoOf(await proxy.handle())).upstream);
    expect(next).toEqual(["b", "b", "b"]);
  });

  it("strips a path prefix and applies header changes both ways", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({
      upstreams: [a!.url],
      stripPrefix: "/api",
      headers: {
        request: { set: { "X-Api-Key": "secret" }, remove: ["Cookie"] },
        response: { set: { "X-Served-By": "loom" }, remove: ["x-upstream"] },
      },
    });
    const response = await proxy.handle({ url: "/api/users?x=1", headers: { host: "h", cookie: "a=1" } });
    expect(response.headers?.["x-served-by"]).toBe("loom");
    expect(response.headers?.["x-upstream"]).toBeUndefined();
    const echo = await echoOf(response);
    expect(echo.url).toBe("/users?x=1");
    expect(echo.headers["x-api-key"]).toBe("secret");
    expect(echo.headers.cookie).toBeUndefined();
  });

  it("aborts the upstream request when the call's signal aborts, without marking the upstream down", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url] });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const response = await proxy.handle({ url: "/slow/3000" }, controller.signal);
    expect(response.status).toBe(499);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await echoOf(await proxy.handle())).upstream).toBe("a");
  });

  it("closes the upstream connection when the streamed body is abandoned", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url] });
    const response = await proxy.handle({ url: `/big/${64 * 1024 * 1024}` });
    const iterator = (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    await iterator.return?.();
    for (let i = 0; i < 100 && a!.cutShort() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a!.cutShort()).toBe(1);
  });

  it("refuses to handle after cleanup", async () => {
    const [a] = await upstreams("a");
    const proxy = await startProxy({ upstreams: [a!.url] });
    await proxy.instance.cleanup?.();
    await expect(proxy.handle()).rejects.toThrow("handle called before provision or after cleanup");
  });
});
