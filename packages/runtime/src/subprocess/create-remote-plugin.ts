import { ErrorCode, LoomError } from "@loom/protocol";
import type { ModuleDescriptor } from "@loom/protocol";
import type { Lifecycle, ModuleContext, ModuleDefinition, PluginDefinition } from "@loom/sdk";
import * as z from "zod";
import type { PluginPool, RemoteInstance } from "./plugin-pool.ts";
import { toWireArgs } from "./to-wire-args.ts";

/**
 * The config of a remote module on the host side: any object. The plugin validates it against the
 * module's own schema when it gets `create`, and answers CONFIG_INVALID listing every problem.
 */
export const RemoteConfigSchema = z
  .record(z.string(), z.unknown())
  .describe("The module's config; the subprocess plugin validates it against its own schema.");

/**
 * Turns a started subprocess plugin into a plugin definition the registry and assembly use like a
 * bundled one: one module definition per module its handshake announced. `create(config, context)`
 * sends `create` and returns a proxy whose namespace methods send `call`s (to the least-loaded
 * process) and whose lifecycle methods are `call`s in every process (docs/protocol.md, "Instances");
 * `cleanup` then sends `destroy`. The assembly wraps the proxy in the namespace's guard, as it does
 * every instance, so every value the plugin returns is validated.
 */
export function createRemotePlugin(pool: PluginPool): PluginDefinition {
  const handshake = pool.handshake;
  if (!handshake) throw new LoomError(ErrorCode.INTERNAL, `plugin ${pool.name} must be started before its modules are registered`);
  return {
    name: handshake.plugin.name,
    version: handshake.plugin.version,
    modules: handshake.modules.map((descriptor) => remoteModule(pool, descriptor)),
  };
}

function remoteModule(pool: PluginPool, descriptor: ModuleDescriptor): ModuleDefinition<string, typeof RemoteConfigSchema> {
  return {
    id: descriptor.id,
    ...(descriptor.description === undefined ? {} : { description: descriptor.description }),
    configSchema: RemoteConfigSchema,
    create: async (config, context) => createRemoteProxy(await pool.createInstance(descriptor.id, config, { path: context.path }), descriptor, context),
  };
}

/** The object the assembly sees for a remote instance: namespace methods plus the lifecycle. */
export function createRemoteProxy(instance: RemoteInstance, descriptor: ModuleDescriptor, context: ModuleContext): Lifecycle & Record<string, unknown> {
  let provisioned = false;
  // The assembly cleans up only instances whose provision succeeded; any other is destroyed when the
  // assembly's lifetime ends, so a failed load leaves nothing behind in the plugin.
  context.signal.addEventListener("abort", () => {
    if (!provisioned) void instance.lifecycle("cleanup").catch(() => undefined);
  }, { once: true });
  const proxy: Lifecycle & Record<string, unknown> = {
    provision: async () => {
      await instance.lifecycle("provision");
      provisioned = true;
    },
    validate: () => instance.lifecycle("validate"),
    start: () => instance.lifecycle("start"),
    stop: () => instance.lifecycle("stop"),
    cleanup: () => instance.lifecycle("cleanup"),
  };
  for (const method of descriptor.methods) {
    if (Object.hasOwn(proxy, method)) continue;
    const what = `${descriptor.id} ${method}()`;
    proxy[method] = (...args: unknown[]) => {
      try {
        const wire = toWireArgs(args, what);
        return instance.call(method, wire.args, { signal: wire.signal, cancel: wire.cancel });
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
  return proxy;
}
