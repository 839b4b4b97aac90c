import type { HttpRequest, HttpResponse } from "@loom/sdk";
import { createTestContext, createTestRequest } from "@loom/sdk/testing";
import { describe, expect, it } from "vitest";
import { rateLimit, RateLimitConfigSchema } from "./rate-limit.ts";

const ctx = createTestContext(rateLimit.id);
const call = { signal: new AbortController().signal };
const request = (headers: HttpRequest["headers"] = {}, remoteAddress = "127.0.0.1") => createTestRequest({ headers, remoteAddress });

let reached = 0;
const next = async (): Promise<HttpResponse> => {
  reached++;
  return { status: 200, headers: { "content-type": "text/plain", "RateLimit-Limit": "999" }, body: "ok" };
};

/** A slow rate, so no token comes back while a test runs. */
async function instance(extra: Record<string, unknown> = {}) {
  return rateLimit.create(RateLimitConfigSchema.parse({ rate: 0.1, burst: 2, ...extra }), ctx);
}

describe("rate_limit", () => {
  it("passes a burst on with RateLimit headers, then answers 429 with Retry-After", async () => {
    const limiter = await instance();
    reached = 0;
    const first = await limiter.handle(request(), next, call);
    expect(first).toEqual({
      status: 200,
      headers: { "content-type": "text/plain", "ratelimit-limit": "2", "ratelimit-remaining": "1", "ratelimit-reset": "10" },
      body: "ok",
    });
    expect((await limiter.handle(request(), next, call)).headers?.["ratelimit-remaining"]).toBe("0");
    const limited = await limiter.handle(request(), next, call);
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({
      "retry-after": "10",
      "ratelimit-limit": "2",
      "ratelimit-remaining": "0",
      "ratelimit-reset": "20",
    });
    expect(reached).toBe(2);
  });

  it("keys by remote address by default", async () => {
    const limiter = await instance({ burst: 1 });
    expect((await limiter.handle(request({ "x-api-key": "a" }), next, call)).status).toBe(200);
    expect((await limiter.handle(request({ "x-api-key": "b" }), next, call)).status).toBe(429);
    expect((await limiter.handle(request({}, "10.0.0.2"), next, call)).status).toBe(200);
  });

  it("keys by a header, falling back to the address, in separate namespaces", async () => {
    const limiter = await instance({ burst: 1, key: { header: "X-Api-Key" } });
    const status = async (req: HttpRequest) => (await limiter.handle(req, next, call)).status;
    expect(await status(request({ "x-api-key": "alpha" }))).toBe(200);
    expect(await status(request({ "x-api-key": "alpha" }, "10.9.9.9"))).toBe(429);
    expect(await status(request({ "x-api-key": "beta" }))).toBe(200);
    // Without the header (or with an empty one) the address counts; an address-like key is another bucket.
    expect(await status(request())).toBe(200);
    expect(await status(request({ "x-api-key": "" }))).toBe(429);
    expect(await status(request({ "x-api-key": "127.0.0.1" }))).toBe(200);
    const long = "k".repeat(10_000);
    expect(await status(request({ "x-api-key": long }))).toBe(200);
    expect(await status(request({ "x-api-key": long }))).toBe(429);
  });

  it("runs its sweep timer between start and stop", async () => {
    const limiter = await instance();
    await limiter.start?.();
    expect((await limiter.handle(request(), next, call)).status).toBe(200);
    await limiter.stop?.();
    await limiter.stop?.();
    expect((await limiter.handle(request(), next, call)).status).toBe(200);
  });
});

describe("RateLimitConfigSchema", () => {
  const messages = (value: unknown) => {
    const result = RateLimitConfigSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  };

  it("fills defaults", () => {
    expect(RateLimitConfigSchema.parse({ rate: 5, burst: 10 })).toEqual({ rate: 5, burst: 10, key: "remote", maxKeys: 100_000 });
  });

  it("rejects bad values and unknown keys", () => {
    expect(messages({ rate: 0, burst: 1 })).toEqual(["rate: rate must be > 0"]);
    expect(messages({ rate: 1, burst: 0 })).toEqual(["burst: burst must be at least 1"]);
    expect(messages({ rate: 1, burst: 1.5 })[0]).toMatch(/^burst: /);
    expect(messages({ rate: 1, burst: 1, key: { header: "x api key" } })[0]).toMatch(/^key/);
    expect(messages({ rate: 1, burst: 1, key: "ip" })[0]).toMatch(/^key/);
    expect(messages({ rate: 1, burst: 1, window: 60 })[0]).toMatch(/window/);
  });
});
