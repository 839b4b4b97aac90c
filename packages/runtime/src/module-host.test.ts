import { defineModule, definePlugin, httpHandlers, httpMiddleware, z } from "@loom/sdk";
import type { HttpHandler } from "@loom/sdk";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createModuleHost } from "./module-host.ts";
import { createRegistry } from "./registry.ts";

/** A host whose config is a list of handler configs and whose app is the loaded handlers. */
function setup() {
  const events: string[] = [];
  const step = (name: string, fail?: string) => (what: string) => () => {
    events.push(`${name}:${what}`);
    if (fail === what) throw new Error(`${name} broke in ${what}`);
  };
  const recorder = defineModule({
    id: "http.handlers.rec",
    configSchema: z.strictObject({ name: z.string(), fail: z.string().optional() }),
    create: ({ name, fail }) => {
      const on = step(name, fail);
      return {
        handle: () => ({ status: 200, body: name }),
        provision: on("provision"),
        validate: on("validate"),
        start: on("start"),
        stop: on("stop"),
        cleanup: on("cleanup"),
      };
    },
  });
  const wrapper = defineModule({
    id: "http.handlers.wrap",
    configSchema: z.strictObject({ inner: z.looseObject({ handler: z.string() }) }),
    create: async (config, context) => {
      const inner = await context.loadModule("http.handlers", config.inner, "inner");
      return { handle: (request, call) => inner.handle(request, call) };
    },
  });
  const liar = defineModule({ id: "http.handlers.liar", configSchema: z.strictObject({}), create: () => ({ handle: () => ({ status: 1 }) }) });
  const registry = createRegistry({ namespaces: [httpHandlers, httpMiddleware] });
  registry.register(definePlugin({ name: "test-plugin", version: "1.0.0", modules: [recorder, wrapper, liar] }));
  const host = createModuleHost<unknown[], HttpHandler[]>({
    registry,
    logger: pino({ level: "silent" }),
    assemble: async (config, loader) => {
      const handlers: HttpHandler[] = [];
      for (const [i, raw] of config.entries()) handlers.push(await loader.load<HttpHandler>("http.handlers", raw, `handlers[${i}]`));
      return handlers;
    },
  });
  return { host, events };
}

const request = { id: "1", method: "GET", url: "/", headers: {}, body: new Uint8Array(), remoteAddress: "127.0.0.1" };
const call = { signal: new AbortController().signal };

describe("createModuleHost", () => {
  it("provisions and validates each module as it loads, starts all in order, stops in reverse", async () => {
    const { host, events } = setup();
    await host.load([{ handler: "rec", name: "a" }, { handler: "rec", name: "b" }]);
    expect(events).toEqual(["a:provision", "a:validate", "b:provision", "b:validate", "a:start", "b:start"]);
    await host.stop();
    expect(events.slice(6)).toEqual(["b:stop", "a:stop", "b:cleanup", "a:cleanup"]);
  });

  it("loads guest modules through the context, with paths under the parent", async () => {
    const { host, events } = setup();
    const [wrapped] = await host.load([{ handler: "wrap", inner: { handler: "rec", name: "guest" } }]);
    expect(await wrapped!.handle(request, call)).toEqual({ status: 200, body: "guest" });
    expect(events).toEqual(["guest:provision", "guest:validate", "guest:start"]);
    await expect(host.check([{ handler: "wrap", inner: { handler: "rec" } }])).rejects.toThrow(
      "handlers[0].inner.name: Invalid input: expected string, received undefined (module http.handlers.rec, plugin test-plugin)",
    );
  });

  it("reports every decoding problem at once, with path, module and a suggestion", async () => {
    const { host } = setup();
    const error = await host.check([{ handler: "recc" }, { handler: "rec", name: 1, extra: true }, "nope"]).catch((e: unknown) => e);
    expect((error as { diagnostics: unknown[] }).diagnostics).toEqual([
      expect.objectContaining({ code: "MODULE_UNKNOWN", path: "handlers[0].handler", message: 'unknown http.handlers module "recc"', hint: expect.stringContaining('did you mean "rec"?') }),
      expect.objectContaining({ code: "CONFIG_INVALID", path: "handlers[1].name", module: "http.handlers.rec" }),
      expect.objectContaining({ code: "CONFIG_INVALID", path: "handlers[1]", message: 'unknown key "extra"', module: "http.handlers.rec" }),
      expect.objectContaining({ code: "CONFIG_INVALID", path: "handlers[2]", message: 'expected an object whose "handler" names a http.handlers module' }),
    ]);
  });

  it("cleans up what was provisioned when a later step fails, and starts nothing", async () => {
    const { host, events } = setup();
    await expect(host.load([{ handler: "rec", name: "a" }, { handler: "rec", name: "b", fail: "validate" }])).rejects.toThrow(
      "validate failed: b broke in validate",
    );
    expect(events).toEqual(["a:provision", "a:validate", "b:provision", "b:validate", "b:cleanup", "a:cleanup"]);
  });

  it("stops the started ones and cleans up all when a start fails", async () => {
    const { host, events } = setup();
    await expect(host.load([{ handler: "rec", name: "a" }, { handler: "rec", name: "b", fail: "start" }])).rejects.toThrow("start failed: b broke in start");
    expect(events.slice(4)).toEqual(["a:start", "b:start", "a:stop", "b:cleanup", "a:cleanup"]);
  });

  it("reloads atomically: a broken config is refused and the old one keeps serving", async () => {
    const { host, events } = setup();
    await host.load([{ handler: "rec", name: "old" }]);
    const error = await host.load([{ handler: "rec", name: "new", fail: "provision" }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RELOAD_FAILED" });
    expect((error as Error).message).toContain("reload refused, the previous config keeps serving");
    expect(await host.current![0]!.handle(request, call)).toEqual({ status: 200, body: "old" });
    await host.load([{ handler: "rec", name: "next" }]);
    expect(events.slice(-5)).toEqual(["next:provision", "next:validate", "next:start", "old:stop", "old:cleanup"]);
    expect(await host.current![0]!.handle(request, call)).toEqual({ status: 200, body: "next" });
  });

  it("guards values a module returns against its namespace's contract", async () => {
    const { host } = setup();
    const [liar] = await host.load([{ handler: "liar" }]);
    await expect(async () => liar!.handle(request, call)).rejects.toThrow(
      "module http.handlers.liar returned an invalid HTTP response: status: Too small: expected number to be >=100",
    );
  });
});
