import { describe, expect, it } from "vitest";
import { resolvePluginRef } from "./resolve-plugin-ref.ts";

describe("resolvePluginRef", () => {
  it("tells workspace packages, registry specs and folders apart", () => {
    expect(resolvePluginRef("@loom/plugin-static")).toEqual({ kind: "workspace", name: "@loom/plugin-static", placement: "bundled" });
    expect(resolvePluginRef("@acme/plugin-x@^1.2")).toEqual({ kind: "registry", name: "@acme/plugin-x", range: "^1.2", placement: "bundled" });
    expect(resolvePluginRef("plain@1.0.0")).toEqual({ kind: "registry", name: "plain", range: "1.0.0", placement: "bundled" });
    expect(resolvePluginRef("./local/plugin")).toEqual({ kind: "folder", path: "./local/plugin", placement: "bundled" });
    expect(resolvePluginRef("/abs/plugin")).toEqual({ kind: "folder", path: "/abs/plugin", placement: "bundled" });
  });

  it("reads the object form by its keys", () => {
    expect(resolvePluginRef({ name: "x", version: "^2", placement: "bundled" })).toEqual({ kind: "registry", name: "x", range: "^2", placement: "bundled" });
    expect(resolvePluginRef({ path: "../p", placement: "bundled" })).toEqual({ kind: "folder", path: "../p", placement: "bundled" });
    expect(resolvePluginRef({ name: "@loom/plugin-headers", placement: "bundled" })).toEqual({ kind: "workspace", name: "@loom/plugin-headers", placement: "bundled" });
  });
});
