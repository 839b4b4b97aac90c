import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { CreateMessage } from "@loom/protocol";
import type { Logger } from "../logger.ts";
import type { ModuleContext } from "../module.ts";
import { configDiagnostics } from "./config-diagnostics.ts";
import type { ServedModule } from "./resolve-served-modules.ts";
import { strictConfigSchema } from "./strict-config-schema.ts";

/** A module instance alive in this plugin process. */
export interface LiveInstance {
  readonly id: string;
  readonly served: ServedModule;
  readonly value: Record<string, unknown>;
  /** Aborts `context.signal`: at destroy, or after cleanup at shutdown. */
  readonly lifetime: AbortController;
  started: boolean;
  cleanedUp: boolean;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The `create` step: decodes the config with the module's schema (an object schema strictly, as the host
 * does for a bundled module), then calls the module's `create`. Throws CONFIG_INVALID with every problem
 * as diagnostics, or MODULE_LIFECYCLE_FAILED when `create` throws or returns no object with the
 * namespace's methods. `loadModule` is not in protocol v1 and rejects saying so.
 */
export async function createInstance(served: ServedModule, message: CreateMessage, id: string, logger: Logger): Promise<LiveInstance> {
  const { definition, namespace, namespaceId } = served;
  const path = message.path ?? "";
  const parsed = await strictConfigSchema(definition.configSchema).safeParseAsync(message.config);
  if (!parsed.success) {
    const where = path === "" ? "" : ` at ${path}`;
    throw LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, `invalid config for module ${definition.id}${where}:`, configDiagnostics(parsed.error, path, definition.id));
  }
  const lifetime = new AbortController();
  const context: ModuleContext = {
    id: definition.id,
    path,
    logger: logger.child({ module: definition.id, instance: id }),
    signal: lifetime.signal,
    loadModule: () =>
      Promise.reject(
        new LoomError(
          ErrorCode.MODULE_LIFECYCLE_FAILED,
          `module ${definition.id} loads a guest module, which a subprocess plugin cannot do in protocol v1 (it would be a request from the plugin to the host); run this plugin bundled`,
        ),
      ),
  };
  let value: unknown;
  try {
    value = await definition.create(parsed.data, context);
  } catch (error) {
    throw new LoomError(ErrorCode.MODULE_LIFECYCLE_FAILED, `create failed: ${messageOf(error)} (module ${definition.id})`, {
      cause: error,
      diagnostics: isLoomError(error) ? error.diagnostics : [],
    });
  }
  if (typeof value !== "object" || value === null) {
    throw new LoomError(ErrorCode.MODULE_LIFECYCLE_FAILED, `create of module ${definition.id} returned ${value === null ? "null" : typeof value}, not an instance`);
  }
  const instance = value as Record<string, unknown>;
  const missing = namespace.methods.filter((method) => typeof instance[method] !== "function");
  if (missing.length > 0) {
    throw new LoomError(
      ErrorCode.MODULE_LIFECYCLE_FAILED,
      `the instance of module ${definition.id} does not implement ${namespaceId}: missing ${missing.join(", ")}()`,
    );
  }
  return { id, served, value: instance, lifetime, started: false, cleanedUp: false };
}
