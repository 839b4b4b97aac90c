import { describe, expect, it } from "vitest";
import type { HttpRequest } from "@loom/sdk";
import { expandPlaceholders, unknownPlaceholders } from "./expand-placeholders.ts";

const request = (host?: string): HttpRequest => ({
  id: "r",
  method: "PUT",
  url: "/a/b?c=1",
  headers: host === undefined ? {} : { host },
  body: new Uint8Array(),
  remoteAddress: "10.1.2.3",
});

describe("expandPlaceholders", () => {
  it("fills every known placeholder", () => {
    expect(
      expandPlaceholders("{http.request.method} {http.request.uri} from {http.request.remote} at {http.request.host}", request("a.test:8080")),
    ).toBe("PUT /a/b?c=1 from 10.1.2.3 at a.test");
  });

  it("drops the port of IPv6 and bare hosts correctly, and an absent Host becomes empty", () => {
    expect(expandPlaceholders("{http.request.host}", request("[::1]:8080"))).toBe("[::1]");
    expect(expandPlaceholders("{http.request.host}", request("[::1]"))).toBe("[::1]");
    expect(expandPlaceholders("{http.request.host}", request("a.test"))).toBe("a.test");
    expect(expandPlaceholders("<{http.request.host}>", request())).toBe("<>");
  });

  it("leaves other braces and unknown placeholders alone", () => {
    expect(expandPlaceholders('{"a":1} {http.nope}', request("h"))).toBe('{"a":1} {http.nope}');
  });
});

describe("unknownPlaceholders", () => {
  it("lists only unknown http placeholders", () => {
    expect(unknownPlaceholders("{http.request.host} {http.request.port} {other} {http.}")).toEqual(["http.request.port", "http."]);
  });
});
