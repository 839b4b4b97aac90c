import { describe, expect, it } from "vitest";
import { HttpResponseSchema } from "./http-values.ts";

describe("HttpResponseSchema", () => {
  it("accepts bytes, strings and async iterables as bodies", async () => {
    async function* chunks() {
      yield new Uint8Array([1]);
    }
    for (const body of [new Uint8Array([1, 2]), "text", chunks(), undefined]) {
      expect(HttpResponseSchema.safeParse({ status: 200, body }).success).toBe(true);
    }
  });

  it("refuses header injection, bad header names, bad status codes and unknown keys", () => {
    const problems = (value: unknown) =>
      HttpResponseSchema.safeParse(value).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(problems({ status: 200, headers: { "x-a": "ok\r\nset-cookie: evil=1" } })).toEqual([
      "headers.x-a: header values must not contain CR, LF or NUL",
    ]);
    expect(problems({ status: 200, headers: { "bad name": "v" } })).toEqual(["headers.bad name: not a valid header name"]);
    expect(problems({ status: 700 })).toEqual(["status: Too big: expected number to be <=599"]);
    expect(problems({ status: 200, body: 5 })).toEqual(["body: Invalid input"]);
    expect(problems({ status: 200, statusText: "OK" })).toEqual([': Unrecognized key: "statusText"']);
  });
});
