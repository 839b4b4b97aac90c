import { httpHandlers, httpMiddleware, onCancel } from "@loom/sdk";
import type { HttpHandler } from "@loom/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModuleHost, createPluginPool, createRegistry, createRemotePlugin } from "../../src/index.ts";
import type { PluginPool, RemoteInstance } from "../../src/index.ts";
import { memoryLogger, nodePlugin, rejection } from "./helpers.ts";

const { logger } = memoryLogger("info");
let pool: PluginPool;
let probe: RemoteInstance;

/** A host whose config is a list of handler configs, as in module-host.test.ts, with the subprocess plugin registered. */
function host() {
  const registry = createRegistry({ namespaces: [httpHandlers, httpMiddleware] });
  registry.register(createRemotePlugin(pool));
  return createModuleHost<unknown[], HttpHandler[]>({
    registry,
    logger,
    assemble: async (config, loader) => {
      const handlers: HttpHandler[] = [];
      for (const [i, raw] of config.entries()) handlers.push(await loader.load<HttpHandler>("http.handlers", raw, `handlers[${i}]`));
      return handlers;
    },
  });
}

const request = (body: Uint8Array) => ({ id: "r1", method: "POST", url: "/echo?x=1", headers: { "content-type": "text/plain" }, body, remoteAddress: "127.0.0.1" });

beforeAll(async () => {
  pool = createPluginPool(nodePlugin("echo-plugin.mjs"), { logger });
  await pool.start();
  probe = await pool.createInstance("test.echo.main", {});
});
afterAll(() => pool.stop());

describe("createRemotePlugin", () => {
  it("registers the handshake's modules as a plugin definition", () => {
    const plugin = createRemotePlugin(pool);
    expect(plugin).toMatchObject({ name: "echo-plugin", version: "1.2.3" });
    expect(plugin.modules.map((m) => m.id)).toEqual(["test.echo.main", "http.handlers.echo", "http.handlers.liar"]);
  });

  it("serves through the assembly: create, lifecycle as calls, guarded results, cleanup then destroy", async () => {
    const before = (await probe.call("instances", [])) as string[];
    const moduleHost = host();
    const [handler] = await moduleHost.load([{ handler: "echo" }]);
    const created = ((await probe.call("instances", [])) as string[]).filter((id) => !before.includes(id));
    expect(created).toHaveLength(1);
    const id = created[0]!;
    const body = new TextEncoder().encode("hello, plugin");
    const response = await handler!.handle(request(body), { signal: new AbortController().signal });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ "x-method": "POST", "x-url": "/echo?x=1" });
    expect(new TextDecoder().decode(response.body as Uint8Array)).toBe("hello, plugin");
    await moduleHost.stop();
    const events = ((await probe.call("events", [])) as string[]).filter((e) => e.startsWith(`${id}:`));
    expect(events).toEqual([`${id}:provision`, `${id}:validate`, `${id}:start`, `${id}:stop`, `${id}:cleanup`]);
    expect(await probe.call("instances", [])).not.toContain(id);
  });

  it("a client that goes away cancels the handler's call in the plugin, with a signal made on first read as the gateway's", async () => {
    const moduleHost = host();
    const [handler] = await moduleHost.load([{ handler: "echo" }]);
    const controller = new AbortController();
    class LazyCall {
      get signal(): AbortSignal {
        return controller.signal;
      }
    }
    const slow = { ...request(new Uint8Array()), headers: { "x-sleep": "10000" } };
    const call = Promise.resolve().then(() => handler!.handle(slow, new LazyCall()));
    setTimeout(() => controller.abort(new Error("client closed the connection")), 50);
    const started = Date.now();
    expect((await rejection(call)).code).toBe("CALL_CANCELLED");
    expect(Date.now() - started).toBeLessThan(5_000);
    const cancels = (await probe.call("cancels", [])) as { reason: string }[];
    expect(cancels.at(-1)).toMatchObject({ reason: "cancelled" });
    await moduleHost.stop();
  });

  it("a call context with onCancel cancels the call in the plugin without making a signal", async () => {
    const moduleHost = host();
    const [handler] = await moduleHost.load([{ handler: "echo" }]);
    const listeners = new Set<() => void>();
    class CancellableCall {
      get signal(): AbortSignal {
        throw new Error("the signal was read");
      }
      [onCancel](listener: () => void): () => void {
        listeners.add(listener);
        return () => listeners.delete(listener);
      }
    }
    const slow = { ...request(new Uint8Array()), headers: { "x-sleep": "10000" } };
    const call = Promise.resolve().then(() => handler!.handle(slow, new CancellableCall()));
    await expect.poll(() => listeners.size).toBe(1);
    setTimeout(() => [...listeners].forEach((listener) => listener()), 50);
    expect((await rejection(call)).code).toBe("CALL_CANCELLED");
    expect(listeners.size).toBe(0);
    const cancels = (await probe.call("cancels", [])) as { reason: string }[];
    expect(cancels.at(-1)).toMatchObject({ reason: "cancelled" });
    // A call that ends on its own stops listening too.
    await handler!.handle(request(new Uint8Array()), new CancellableCall());
    expect(listeners.size).toBe(0);
    await moduleHost.stop();
  });

  it("the namespace guard wraps the proxy: a lying plugin fails that call with PLUGIN_RESULT_INVALID", async () => {
    const moduleHost = host();
    const [liar] = await moduleHost.load([{ handler: "liar" }]);
    const error = await rejection(Promise.resolve().then(() => liar!.handle(request(new Uint8Array()), { signal: new AbortController().signal })));
    expect(error.code).toBe("PLUGIN_RESULT_INVALID");
    expect(error.message).toContain("module http.handlers.liar returned an invalid HTTP response");
    await moduleHost.stop();
  });

  it("a config the plugin rejects is reported with the plugin's diagnostics", async () => {
    const error = await rejection(host().load([{ handler: "echo" }, { handler: "echo", invalid: true }]));
    expect(error.code).toBe("CONFIG_INVALID");
    expect((error as unknown as { diagnostics: unknown[] }).diagnostics).toEqual([
      { code: "CONFIG_INVALID", path: "handlers[1].invalid", message: "must not be set", module: "http.handlers.echo", plugin: "echo-plugin" },
    ]);
  });

  it("an instance whose provision failed is destroyed when the assembly is cleaned up", async () => {
    const before = (await probe.call("instances", [])) as string[];
    const error = await rejection(host().load([{ handler: "echo", failProvision: true }]));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("handlers[0]: provision failed: plugin echo-plugin: http.handlers.echo provision(): provision refused");
    const leftover = async () => ((await probe.call("instances", [])) as string[]).filter((id) => !before.includes(id));
    await expect.poll(leftover, { timeout: 3_000 }).toEqual([]);
  });

  it("a call whose argument is a callback fails clearly: protocol v1 has no host callbacks", async () => {
    const proxy = (await createRemotePlugin(pool).modules[0]!.create({}, {
      id: "test.echo.main",
      path: "x",
      logger,
      signal: new AbortController().signal,
      loadModule: () => Promise.reject(new Error("no guests")),
    })) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const error = await rejection(proxy.echo!(() => "next"));
    expect(error.message).toContain("argument 0 is a function, and protocol v1 cannot pass callbacks to a subprocess plugin");
    await (proxy as unknown as { cleanup(): Promise<void> }).cleanup();
  });
});
