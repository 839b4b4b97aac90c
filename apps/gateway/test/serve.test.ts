import { rawRequest, startGateway } from "@loom/testkit";
import type { StartedGateway } from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_PLUGIN } from "./fixtures.ts";

let gw: StartedGateway;
beforeAll(async () => {
  gw = await startGateway({
    plugins: [FIXTURE_PLUGIN],
    config: {
      limits: { maxBodyBytes: 1024 },
      routes: [
        { match: { path: ["/echo*"], method: ["get", "POST"] }, middleware: [{ middleware: "tag", value: "outer" }, { middleware: "tag", value: "inner" }], handle: { handler: "echo" } },
        { match: { pathPrefix: ["/hosted"], host: ["*.example.test"] }, handle: { handler: "respond", body: "wildcard host\n" } },
        { match: { pathPrefix: ["/hosted"], host: ["example.test"] }, handle: { handler: "respond", body: "exact host\n" } },
        { match: { path: ["/crash"] }, handle: { handler: "crash" } },
        { match: { path: ["/stream"] }, handle: { handler: "stream", chunks: 64 } },
        { match: { path: ["/broken-stream"] }, handle: { handler: "stream", chunks: 64, failAfter: 3 } },
        { match: { path: ["/lie"] }, handle: { handler: "lie" } },
        { match: { path: ["/sub/*"] }, handle: { handler: "subroute", routes: [{ match: { path: ["/sub/a"] }, handle: { handler: "respond", body: "a\n", status: 201 } }] } },
      ],
    },
  });
});
afterAll(async () => {
  await gw?.stop();
});

describe("gateway serving", () => {
  it("passes a request value to the handler: method, URL, headers, body, peer", async () => {
    const res = await fetch(`${gw.url}/echo/x?y=1`, { method: "POST", body: "hello", headers: { "X-Thing": "t" } });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as { headers: Record<string, string> };
    expect(seen).toMatchObject({ method: "POST", url: "/echo/x?y=1", body: "hello", remoteAddress: "127.0.0.1" });
    expect(seen.headers["x-thing"]).toBe("t");
  });

  it("runs middleware in order around the handler", async () => {
    const res = await fetch(`${gw.url}/echo`);
    expect(res.headers.get("x-tag")).toBe("inner,outer");
  });

  it("matches method, host and path; answers 404 when no route takes the request", async () => {
    expect((await fetch(`${gw.url}/echo`, { method: "DELETE" })).status).toBe(404);
    const wild = await rawRequest(gw.url, "GET /hosted HTTP/1.1\r\nHost: api.example.test:80\r\nConnection: close\r\n\r\n");
    expect(wild.text).toMatch(/^HTTP\/1\.1 200/);
    expect(wild.text).toContain("wildcard host");
    const exact = await rawRequest(gw.url, "GET /hosted HTTP/1.1\r\nHost: EXAMPLE.test\r\nConnection: close\r\n\r\n");
    expect(exact.text).toContain("exact host");
    const none = await rawRequest(gw.url, "GET /hosted HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n");
    expect(none.text).toMatch(/^HTTP\/1\.1 404/);
  });

  it("routes through a subroute's guest handlers", async () => {
    const hit = await fetch(`${gw.url}/sub/a`);
    expect([hit.status, await hit.text()]).toEqual([201, "a\n"]);
    expect((await fetch(`${gw.url}/sub/b`)).status).toBe(404);
  });

  it("answers 413 to a body over the limit, announced or chunked, and keeps serving", async () => {
    const announced = await fetch(`${gw.url}/echo`, { method: "POST", body: "x".repeat(2048) });
    expect(announced.status).toBe(413);
    const chunks = "400\r\n" + "y".repeat(1024) + "\r\n400\r\n" + "y".repeat(1024) + "\r\n0\r\n\r\n";
    const chunked = await rawRequest(gw.url, `POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`);
    expect(chunked.text).toMatch(/^HTTP\/1\.1 413/);
    expect((await fetch(`${gw.url}/echo`, { method: "POST", body: "small" })).status).toBe(200);
  });

  it("answers 400 to a malformed request and keeps serving", async () => {
    const answer = await rawRequest(gw.url, "NOT A REQUEST\r\n\r\n");
    expect(answer.text).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    const oversized = await rawRequest(gw.url, `GET / HTTP/1.1\r\nHost: t\r\nX-Big: ${"z".repeat(20_000)}\r\n\r\n`);
    expect(oversized.text).toMatch(/^HTTP\/1\.1 431/);
    expect((await fetch(`${gw.url}/echo`)).status).toBe(200);
  });

  it("turns a throwing module into a 500 and logs the error", async () => {
    const res = await fetch(`${gw.url}/crash`);
    expect(res.status).toBe(500);
    const line = await gw.waitForLog((l) => l.msg === "request failed in a module");
    expect(JSON.stringify(line.err)).toContain("boom from the crash handler");
    expect((await fetch(`${gw.url}/echo`)).status).toBe(200);
  });

  it("refuses a response value that breaks the contract, naming the module", async () => {
    const res = await fetch(`${gw.url}/lie`);
    expect(res.status).toBe(500);
    const line = await gw.waitForLog((l) => l.msg === "request failed in a module" && JSON.stringify(l.err).includes("lie"));
    const err = line.err as { code: string; message: string };
    expect(err.code).toBe("PLUGIN_RESULT_INVALID");
    expect(err.message).toContain("module http.handlers.lie returned an invalid HTTP response: status: Invalid input: expected number, received string");
  });

  it("streams a large body with backpressure, answers HEAD without it, and survives a stream that breaks", async () => {
    const res = await fetch(`${gw.url}/stream`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(64 * 65_536);
    expect([bytes[0], bytes[65_536], bytes[bytes.byteLength - 1]]).toEqual([0, 1, 63]);
    const head = await fetch(`${gw.url}/stream`, { method: "HEAD" });
    expect([head.status, (await head.arrayBuffer()).byteLength]).toEqual([200, 0]);
    await expect(fetch(`${gw.url}/broken-stream`).then((r) => r.arrayBuffer())).rejects.toThrow();
    await gw.waitForLog((l) => l.msg === "response could not be completed" && JSON.stringify(l.err).includes("stream broke after 3 chunks"));
    expect((await fetch(`${gw.url}/echo`)).status).toBe(200);
    expect(gw.stderr()).not.toContain("MaxListenersExceededWarning");
  });

  it("writes one access-log line per request", async () => {
    await fetch(`${gw.url}/echo?access=1`);
    const line = await gw.waitForLog((l) => l.component === "access" && l.url === "/echo?access=1");
    expect(line).toMatchObject({ method: "GET", status: 200, remote: "127.0.0.1" });
    expect(typeof line.ms).toBe("number");
  });
});
