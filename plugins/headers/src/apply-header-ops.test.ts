import { describe, expect, it } from "vitest";
import { createTestRequest } from "@loom/sdk/testing";
import { applyHeaderOps, resolveHeaderOps } from "./apply-header-ops.ts";

const request = createTestRequest({ url: "/x", headers: { host: "site.test:8080" } });

describe("applyHeaderOps", () => {
  it("removes exact names and prefixes without regard to case", () => {
    const ops = resolveHeaderOps({ remove: ["Server", "X-Internal-*"] });
    expect(applyHeaderOps({ server: "x", "X-Internal-Id": "1", "x-internal-trace": "2", "x-internalx": "3", "x-other": "4" }, ops, request)).toEqual({
      "x-internalx": "3",
      "x-other": "4",
    });
  });

  it("set replaces a value whatever its case, and expands placeholders", () => {
    const ops = resolveHeaderOps({ set: { "Content-Type": "text/x-{http.request.host}" } });
    expect(applyHeaderOps({ "Content-Type": "text/plain", "content-type": "text/html" }, ops, request)).toEqual({
      "content-type": "text/x-site.test",
    });
  });

  it("add appends to existing values and creates missing ones", () => {
    const ops = resolveHeaderOps({ add: { "Set-Cookie": ["b=2", "c=3"], Vary: "Accept", "X-New": "1" } });
    expect(applyHeaderOps({ "set-cookie": "a=1", Vary: ["Origin"] }, ops, request)).toEqual({
      "set-cookie": ["a=1", "b=2", "c=3"],
      vary: ["Origin", "Accept"],
      "x-new": "1",
    });
  });

  it("runs remove, then set, then add, and leaves its input alone", () => {
    const input = { "x-a": "old", "x-b": "keep" };
    const ops = resolveHeaderOps({ remove: ["x-*"], set: { "x-a": "set" }, add: { "x-a": "added" } });
    expect(applyHeaderOps(input, ops, request)).toEqual({ "x-a": ["set", "added"] });
    expect(input).toEqual({ "x-a": "old", "x-b": "keep" });
  });
});
