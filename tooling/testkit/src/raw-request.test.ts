import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "./raw-request.ts";

let url: string;
const server = createServer((req, res) => {
  res.setHeader("X-Seen", `${req.method} ${req.url}`);
  res.setHeader("Content-Type", "text/plain");
  res.end(`host=${req.headers.host}`);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("rawRequest", () => {
  it("sends the target as it is and parses status, headers and body", async () => {
    const res = await rawRequest(url, "GET /a/../b%2e HTTP/1.1\r\nHost: h.test\r\nConnection: close\r\n\r\n");
    expect(res.text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ "x-seen": "GET /a/../b%2e", "content-type": "text/plain", connection: "close" });
    expect(res.body).toBe("host=h.test");
  });

  it("sends bytes and returns the server's answer to a malformed request", async () => {
    const res = await rawRequest(url, new TextEncoder().encode("NOT A REQUEST\r\n\r\n"));
    expect(res.text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(res.status).toBe(400);
    expect(res.body).toBe("");
  });

  it("rejects when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(rawRequest(`http://127.0.0.1:${port}`, "GET / HTTP/1.1\r\n\r\n")).rejects.toThrow(/ECONNREFUSED/);
  });
});
