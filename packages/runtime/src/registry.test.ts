import { LoomError } from "@loom/protocol";
import { defineModule, definePlugin, httpHandlers, httpMiddleware, z } from "@loom/sdk";
import { describe, expect, it } from "vitest";
import { createRegistry } from "./registry.ts";

const handler = (id: string) =>
  defineModule({ id: id as "http.handlers.x", configSchema: z.strictObject({}), create: () => ({ handle: () => ({ status: 204 }) }) });

describe("createRegistry", () => {
  it("registers plugins and lists modules sorted by ID with their plugin", () => {
    const registry = createRegistry({ namespaces: [httpHandlers, httpMiddleware] });
    registry.register(definePlugin({ name: "b", version: "1.0.0", modules: [handler("http.handlers.zeta"), handler("http.handlers.alpha")] }));
    expect(registry.modules().map((m) => [m.id, m.name, m.namespace, m.plugin.name])).toEqual([
      ["http.handlers.alpha", "alpha", "http.handlers", "b"],
      ["http.handlers.zeta", "zeta", "http.handlers", "b"],
    ]);
    expect(registry.namespace("http.middleware")?.inlineKey).toBe("middleware");
  });

  it("refuses a duplicate module ID, naming both plugins, and registers nothing of the second plugin", () => {
    const registry = createRegistry({ namespaces: [httpHandlers] });
    registry.register(definePlugin({ name: "first", version: "1.0.0", modules: [handler("http.handlers.same")] }));
    const second = definePlugin({ name: "second", version: "2.0.0", modules: [handler("http.handlers.other"), handler("http.handlers.same")] });
    let error: unknown;
    try {
      registry.register(second);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LoomError);
    expect((error as LoomError).code).toBe("MODULE_DUPLICATE");
    expect((error as LoomError).message).toContain("module http.handlers.same is provided by both first@1.0.0 and second@2.0.0");
    expect(registry.get("http.handlers.other")).toBeUndefined();
    expect(registry.plugins().map((p) => p.name)).toEqual(["first"]);
  });

  it("refuses module IDs that are not dotted lower case", () => {
    const registry = createRegistry({ namespaces: [httpHandlers] });
    expect(() => registry.register(definePlugin({ name: "p", version: "1.0.0", modules: [handler("Handlers")] }))).toThrow(
      'module ID "Handlers" is not a dotted lower-case ID',
    );
  });
});
