import { describe, expect, it } from "vitest";
import type { HttpRequest } from "@loom/sdk";
import { createTestRequest } from "@loom/sdk/testing";
import { buildUpstreamRequest } from "./build-upstream-request.ts";

function request(overrides: Partial<HttpRequest> = {}): HttpRequest {
  return createTestRequest({ url: "/a?b=1", headers: { host: "example.test:8080", accept: "*/*" }, remoteAddress: "10.0.0.9", ...overrides });
}

describe("buildUpstreamRequest", () => {
  it("keeps Host and sets X-Forwarded-* for a first hop", () => {
    const built = buildUpstreamRequest(request(), {});
    expect(built).toEqual({
      method: "GET",
      path: "/a?b=1",
      headers: {
        host: "example.test:8080",
        accept: "*/*",
        "x-forwarded-for": "10.0.0.9",
        "x-forwarded-proto": "http",
        "x-forwarded-host": "example.test:8080",
      },
      body: undefined,
    });
  });

  it("appends the client address to an existing X-Forwarded-For list", () => {
    const built = buildUpstreamRequest(request({ headers: { host: "h", "x-forwarded-for": ["1.1.1.1, 2.2.2.2", "3.3.3.3"] } }), {});
    expect(built?.headers["x-forwarded-for"]).toBe("1.1.1.1, 2.2.2.2, 3.3.3.3, 10.0.0.9");
  });

  it("drops hop-by-hop headers, content-length and expect, and keeps the body", () => {
    const body = new TextEncoder().encode("hello");
    const built = buildUpstreamRequest(
      request({
        method: "POST",
        headers: {
          host: "h",
          connection: "x-secret",
          "x-secret": "1",
          te: "trailers",
          "proxy-authorization": "Basic eA==",
          "content-length": "5",
          expect: "100-continue",
          "content-type": "text/plain",
        },
        body,
      }),
      {},
    );
    expect(Object.keys(built?.headers ?? {}).sort()).toEqual([
      "content-type",
      "host",
      "x-forwarded-for",
      "x-forwarded-host",
      "x-forwarded-proto",
    ]);
    expect(built?.body).toBe(body);
  });

  it("strips the prefix, accepts absolute-form targets and refuses others", () => {
    expect(buildUpstreamRequest(request({ url: "/api/x?y" }), { stripPrefix: "/api" })?.path).toBe("/x?y");
    expect(buildUpstreamRequest(request({ url: "http://example.test/p?q" }), {})?.path).toBe("/p?q");
    expect(buildUpstreamRequest(request({ url: "*" }), {})).toBeUndefined();
  });

  it("applies configured header changes last, removal before set", () => {
    const built = buildUpstreamRequest(request(), {
      headers: { remove: ["Accept", "X-Forwarded-Host"], set: { Host: "upstream.internal", "X-Api-Key": "k" } },
    });
    expect(built?.headers).toEqual({
      host: "upstream.internal",
      "x-api-key": "k",
      "x-forwarded-for": "10.0.0.9",
      "x-forwarded-proto": "http",
    });
  });
});
