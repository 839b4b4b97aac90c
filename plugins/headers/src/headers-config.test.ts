import { describe, expect, it } from "vitest";
import { z } from "@loom/sdk";
import { HeadersConfigSchema } from "./headers-config.ts";

function issues(raw: unknown): string[] {
  const parsed = HeadersConfigSchema.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("HeadersConfigSchema", () => {
  it("accepts a full config", () => {
    expect(
      issues({
        request: { set: { "X-Real-Host": "{http.request.host}" }, add: { Via: ["loom", "edge"] }, remove: ["Cookie", "x-internal-*"] },
        response: { set: { "Cache-Control": "no-store" }, add: { "Set-Cookie": "a=1" }, remove: ["server"] },
      }),
    ).toEqual([]);
  });

  it("rejects CR or LF in values, bad names, a bare wildcard and unknown keys", () => {
    expect(issues({ response: { set: { "x-a": "1\r\nx-b: 2" } } })).toEqual([
      "response.set.x-a: header values must not contain CR, LF or NUL",
    ]);
    expect(issues({ response: { add: { "x-a": ["ok", "bad\n"] } } })).toEqual([
      "response.add.x-a.1: header values must not contain CR, LF or NUL",
    ]);
    expect(issues({ request: { set: { "bad name": "1" } } })).toEqual(["request.set.bad name: not a valid header name"]);
    expect(issues({ request: { remove: ["x:y"] } })).toEqual(["request.remove.0: not a valid header name"]);
    expect(issues({ request: { remove: ["*"] } })).toEqual(['request.remove.0: a wildcard needs a prefix, e.g. "x-internal-*"']);
    expect(issues({ request: { delete: ["a"] } })).toHaveLength(1);
    expect(issues({ response: { deferred: true } })).toHaveLength(1);
  });

  it("rejects unknown placeholders and names repeated in another case", () => {
    expect(issues({ response: { set: { "x-a": "{http.request.port}" } } })).toEqual([
      "response.set.x-a: unknown placeholder; known: {http.request.host}, {http.request.method}, {http.request.uri}, {http.request.remote}",
    ]);
    expect(issues({ response: { set: { "X-A": "1", "x-a": "2" } } })).toEqual(["response.set.x-a: header names must be distinct ignoring case"]);
  });

  it("converts to JSON Schema with a description on every property", () => {
    const schema = z.toJSONSchema(HeadersConfigSchema, { io: "input" }) as {
      properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }>;
    };
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
  });
});
