import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Diagnostic } from "@loom/protocol";
import type { Lifecycle, Logger, ModuleContext, NamespaceDefinition } from "@loom/sdk";
import * as z from "zod";
import { didYouMean } from "@loom/protocol";
import { joinPath, joinPaths } from "./json-path.ts";
import type { Registry, RegisteredModule } from "./registry.ts";
import { zodDiagnostics } from "./zod-diagnostics.ts";

/** A module instance that was created and provisioned, in the order it was provisioned. */
export interface LoadedModule {
  readonly module: RegisteredModule;
  readonly path: string;
  readonly instance: Lifecycle & object;
  started: boolean;
}

/**
 * One generation of module instances built from one config: modules are created, provisioned and
 * validated as they are loaded (guests before the parent finishes provisioning); problems are collected,
 * not thrown, so one pass reports every mistake in a config.
 */
export interface Assembly {
  /** Loads the module a config object names; on a problem, records it and returns a stand-in. */
  load(namespaceId: string, raw: unknown, path: string): Promise<unknown>;
  readonly diagnostics: Diagnostic[];
  readonly modules: readonly LoadedModule[];
  /** Throws CONFIG_INVALID listing every problem, after cleaning up what was provisioned. */
  finish(): Promise<void>;
  /** Starts every module in load order; on failure stops the started ones and cleans up all. */
  start(): Promise<void>;
  /** Stops started modules in reverse order; errors are logged, never thrown. */
  stop(): Promise<void>;
  /** Cleans up provisioned modules in reverse order and aborts their signal; errors are logged. */
  cleanup(): Promise<void>;
}

export function createAssembly(options: { registry: Registry; logger: Logger }): Assembly {
  const { registry, logger } = options;
  const diagnostics: Diagnostic[] = [];
  const modules: LoadedModule[] = [];
  const lifetime = new AbortController();
  let cleanedUp = false;

  const standIn = (namespace: NamespaceDefinition): unknown =>
    Object.fromEntries(
      namespace.methods.map((method) => [
        method,
        () => {
          throw new LoomError(ErrorCode.INTERNAL, "a module that failed to load was called");
        },
      ]),
    );

  const runStep = async (step: string, loaded: Omit<LoadedModule, "started">, fn: () => unknown): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (error) {
      // A config the module itself rejected (a subprocess plugin's CONFIG_INVALID) lists every problem.
      if (isLoomError(error) && error.code === ErrorCode.CONFIG_INVALID && error.diagnostics.length > 0) {
        const where = { module: loaded.module.id, plugin: loaded.module.plugin.name };
        diagnostics.push(...error.diagnostics.map((d) => ({ ...where, ...d, path: d.path ?? loaded.path })));
        return false;
      }
      diagnostics.push({
        code: ErrorCode.MODULE_LIFECYCLE_FAILED,
        path: loaded.path,
        module: loaded.module.id,
        plugin: loaded.module.plugin.name,
        message: `${step} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
      return false;
    }
  };

  const load = async (namespaceId: string, raw: unknown, path: string): Promise<unknown> => {
    const namespace = registry.namespace(namespaceId);
    if (!namespace) throw new LoomError(ErrorCode.INTERNAL, `host declares no namespace ${namespaceId}`);
    const key = namespace.inlineKey;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw) || typeof (raw as Record<string, unknown>)[key] !== "string") {
      diagnostics.push({
        code: ErrorCode.CONFIG_INVALID,
        path,
        message: `expected an object whose "${key}" names a ${namespace.id} module`,
        hint: `e.g. { "${key}": "${registry.modules().find((m) => m.namespace === namespace.id)?.name ?? "name"}", ... }`,
      });
      return standIn(namespace);
    }
    const { [key]: name, ...rawConfig } = raw as Record<string, unknown>;
    const id = `${namespace.id}.${name as string}`;
    const module = registry.get(id);
    if (!module) {
      const known = registry.modules().filter((m) => m.namespace === namespace.id).map((m) => m.name);
      const guess = didYouMean(name as string, known);
      diagnostics.push({
        code: ErrorCode.MODULE_UNKNOWN,
        path: joinPath(path, key),
        message: `unknown ${namespace.id} module "${name as string}"`,
        hint: `${guess ? `did you mean "${guess}"? ` : ""}known: ${known.join(", ") || "(none)"}; a module from a plugin that is not in this build needs that plugin`,
      });
      return standIn(namespace);
    }
    const where = { module: module.id, plugin: module.plugin.name };
    const schema = module.definition.configSchema;
    const parsed = (schema instanceof z.ZodObject ? schema.strict() : schema).safeParse(rawConfig);
    if (!parsed.success) {
      diagnostics.push(...zodDiagnostics(parsed.error, path, where));
      return standIn(namespace);
    }
    const moduleLogger = logger.child({ module: module.id, plugin: module.plugin.name });
    const context: ModuleContext = {
      id: module.id,
      path,
      logger: moduleLogger,
      signal: lifetime.signal,
      loadModule: ((guestNamespace: string, guestRaw: unknown, guestKey: string | number | readonly (string | number)[]) =>
        load(guestNamespace, guestRaw, Array.isArray(guestKey) ? joinPaths(path, guestKey) : joinPath(path, guestKey as string | number))) as ModuleContext["loadModule"],
    };
    const pending = { module, path, instance: {} as Lifecycle & object };
    let instance: (Lifecycle & Record<string, unknown>) | undefined;
    const created = await runStep("create", pending, async () => {
      instance = (await module.definition.create(parsed.data, context)) as Lifecycle & Record<string, unknown>;
    });
    if (!created || !instance) return standIn(namespace);
    const missing = namespace.methods.filter((method) => typeof instance![method] !== "function");
    if (missing.length > 0) {
      diagnostics.push({
        code: ErrorCode.MODULE_INSTANCE_INVALID,
        path,
        ...where,
        message: `the instance does not implement ${namespace.id}: missing ${missing.join(", ")}()`,
      });
      return standIn(namespace);
    }
    const loaded = { module, path, instance };
    if (!(await runStep("provision", loaded, () => instance!.provision?.()))) return standIn(namespace);
    modules.push({ ...loaded, started: false });
    if (!(await runStep("validate", loaded, () => instance!.validate?.()))) return standIn(namespace);
    return namespace.guard(instance as never, module.id);
  };

  const stop = async () => {
    for (const loaded of [...modules].reverse()) {
      if (!loaded.started) continue;
      loaded.started = false;
      try {
        await loaded.instance.stop?.();
      } catch (error) {
        logger.warn({ err: error, module: loaded.module.id, path: loaded.path }, "module stop failed");
      }
    }
  };

  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    lifetime.abort();
    for (const loaded of [...modules].reverse()) {
      try {
        await loaded.instance.cleanup?.();
      } catch (error) {
        logger.warn({ err: error, module: loaded.module.id, path: loaded.path }, "module cleanup failed");
      }
    }
  };

  return {
    load,
    diagnostics,
    modules,
    async finish() {
      if (diagnostics.length === 0) return;
      await cleanup();
      const count = diagnostics.length;
      throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `config has ${count} problem${count > 1 ? "s" : ""}:`, diagnostics);
    },
    async start() {
      for (const loaded of modules) {
        try {
          await loaded.instance.start?.();
          loaded.started = true;
        } catch (error) {
          await stop();
          await cleanup();
          throw new LoomError(
            ErrorCode.MODULE_LIFECYCLE_FAILED,
            `${loaded.path}: start failed: ${error instanceof Error ? error.message : String(error)} (module ${loaded.module.id})`,
            { cause: error },
          );
        }
      }
    },
    stop,
    cleanup,
  };
}
