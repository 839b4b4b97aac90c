import { describe, expect, it } from "vitest";
import { z } from "@loom/sdk";
import { ReverseProxyConfigSchema } from "./reverse-proxy-config.ts";

function issues(raw: unknown): string[] {
  const parsed = ReverseProxyConfigSchema.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("ReverseProxyConfigSchema", () => {
  it("fills defaults", () => {
    expect(ReverseProxyConfigSchema.parse({ upstreams: ["http://127.0.0.1:8080"] })).toEqual({
      upstreams: ["http://127.0.0.1:8080"],
      lbPolicy: "round_robin",
      health: { maxFails: 1, failDuration: 10_000 },
      timeouts: { connect: 5_000, headers: 30_000, body: 30_000 },
    });
  });

  it("rejects bad upstream lists", () => {
    expect(issues({ upstreams: [] })).toEqual(["upstreams: at least one upstream is required"]);
    for (const bad of ["127.0.0.1:80", "https://a.test", "http://a.test/base", "http://u:p@a.test", "http://a.test/?q"]) {
      expect(issues({ upstreams: [bad] })).toEqual([
        "upstreams.0: an upstream must be an http://host[:port] URL without path, query or credentials",
      ]);
    }
    expect(issues({ upstreams: ["http://a.test:80", "http://a.test"] })).toEqual(["upstreams: upstreams must be distinct"]);
  });

  it("rejects unknown keys, bad policies and header values with CR or LF", () => {
    expect(issues({ upstreams: ["http://a.test"], retry: 1 })).toHaveLength(1);
    expect(issues({ upstreams: ["http://a.test"], lbPolicy: "least_conn" })).toHaveLength(1);
    expect(issues({ upstreams: ["http://a.test"], headers: { request: { set: { "x-a": "1\r\nx-b: 2" } } } })).toEqual([
      "headers.request.set.x-a: header values must not contain CR, LF or NUL",
    ]);
    expect(issues({ upstreams: ["http://a.test"], headers: { request: { set: { "bad name": "1", Host: "a", host: "b" } } } })).toEqual([
      "headers.request.set.bad name: not a valid header name",
      "headers.request.set.host: header names must be distinct ignoring case",
    ]);
    expect(issues({ upstreams: ["http://a.test"], headers: { response: { remove: ["bad name"] } } })).toEqual([
      "headers.response.remove.0: not a valid header name",
    ]);
  });

  it("converts to JSON Schema with a description on every property", () => {
    const schema = z.toJSONSchema(ReverseProxyConfigSchema, { io: "input" }) as { properties: Record<string, { description?: string }> };
    for (const [key, property] of Object.entries(schema.properties)) expect(property.description, key).toBeTruthy();
  });
});
