import { describe, expect, it } from "vitest";
import type { HttpNext, HttpRequest, HttpResponse } from "@loom/sdk";
import { createTestContext } from "@loom/sdk/testing";
import { headers } from "./headers.ts";

async function middleware(raw: unknown) {
  return headers.create(headers.configSchema.parse(raw), createTestContext(headers.id));
}

function incoming(): HttpRequest {
  return {
    id: "r1",
    method: "POST",
    url: "/items?id=7",
    headers: { host: "shop.test:8443", cookie: "s=1", "x-internal-user": "42", "x-internal-role": "admin", accept: "*/*" },
    body: new TextEncoder().encode("body"),
    remoteAddress: "192.0.2.10",
  };
}

/** A real `next` that records what reached it and answers with `response`. */
function recordingNext(response: HttpResponse): { next: HttpNext; seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  return {
    seen,
    next: async (request) => {
      seen.push(request);
      return response;
    },
  };
}

const call = { signal: new AbortController().signal };

describe("http.middleware.headers", () => {
  it("changes the request before the rest of the chain sees it", async () => {
    const instance = await middleware({
      request: {
        remove: ["Cookie", "x-internal-*"],
        set: { "X-Real-Host": "{http.request.host}", Accept: "application/json" },
        add: { Via: ["1.1 loom", "{http.request.method} {http.request.uri} {http.request.remote}"] },
      },
    });
    const original = incoming();
    const { next, seen } = recordingNext({ status: 204 });
    await instance.handle(original, next, call);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers).toEqual({
      host: "shop.test:8443",
      accept: "application/json",
      "x-real-host": "shop.test",
      via: ["1.1 loom", "POST /items?id=7 192.0.2.10"],
    });
    expect(seen[0]!.body).toBe(original.body);
    expect(seen[0]!.url).toBe("/items?id=7");
    expect(original.headers.cookie).toBe("s=1");
  });

  it("replaces, appends and removes response headers the handler set", async () => {
    const instance = await middleware({
      response: {
        set: { "Content-Type": "text/markdown", "X-Request-Uri": "{http.request.uri}" },
        add: { "Set-Cookie": "b=2" },
        remove: ["Server", "x-debug-*"],
      },
    });
    const { next } = recordingNext({
      status: 201,
      headers: { "Content-Type": "text/plain", "set-cookie": "a=1", server: "handler", "x-debug-a": "1", "x-kept": "yes" },
      body: "hello",
    });
    const response = await instance.handle(incoming(), next, call);
    expect(response).toEqual({
      status: 201,
      headers: { "content-type": "text/markdown", "x-request-uri": "/items?id=7", "set-cookie": ["a=1", "b=2"], "x-kept": "yes" },
      body: "hello",
    });
  });

  it("fills response placeholders from the request as received, before its own request changes", async () => {
    const instance = await middleware({
      request: { set: { host: "internal.test" } },
      response: { set: { "X-Host": "{http.request.host}" } },
    });
    const { next, seen } = recordingNext({ status: 200 });
    const response = await instance.handle(incoming(), next, call);
    expect(seen[0]!.headers.host).toBe("internal.test");
    expect(response.headers).toEqual({ "x-host": "shop.test" });
  });

  it("passes request and response through untouched without config", async () => {
    const instance = await middleware({});
    const original = incoming();
    const answer: HttpResponse = { status: 200, headers: { "X-A": "1" } };
    const { next, seen } = recordingNext(answer);
    expect(await instance.handle(original, next, call)).toBe(answer);
    expect(seen[0]).toBe(original);
  });
});
