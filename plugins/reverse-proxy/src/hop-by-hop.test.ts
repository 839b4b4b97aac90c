import { describe, expect, it } from "vitest";
import { removeHopByHop } from "./hop-by-hop.ts";

describe("removeHopByHop", () => {
  it("drops the fixed hop-by-hop headers and keeps end-to-end ones", () => {
    const result = removeHopByHop({
      connection: "keep-alive",
      "keep-alive": "timeout=5",
      "proxy-authenticate": "Basic",
      "proxy-authorization": "Basic eA==",
      te: "trailers",
      trailer: "x-checksum",
      "transfer-encoding": "chunked",
      upgrade: "websocket",
      "content-type": "text/plain",
      "set-cookie": ["a=1", "b=2"],
    });
    expect(result).toEqual({ "content-type": "text/plain", "set-cookie": ["a=1", "b=2"] });
  });

  it("drops the headers the Connection header names, in any case and across repeated lines", () => {
    const result = removeHopByHop({ connection: ["X-Foo, close", " x-bar "], "x-foo": "1", "x-bar": "2", "x-baz": "3" });
    expect(result).toEqual({ "x-baz": "3" });
  });

  it("skips undefined values and does not change its input", () => {
    const input = { connection: "x-a", "x-a": "1", "x-b": undefined, "x-c": "3" };
    expect(removeHopByHop(input)).toEqual({ "x-c": "3" });
    expect(input["x-a"]).toBe("1");
  });
});
