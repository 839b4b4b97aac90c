import { ErrorCode, LoomError, isLoomError } from "@loom/protocol";
import type { Logger } from "@loom/sdk";
import { createAssembly } from "./assembly.ts";
import type { Assembly } from "./assembly.ts";
import type { Registry } from "./registry.ts";

/** Loads modules for a host while it assembles one config. */
export interface ModuleLoader {
  /** Loads the module named by a config object in `namespace`; `path` is where the object sits. */
  load<T>(namespace: string, raw: unknown, path: string): Promise<T>;
}

/** A live generation: what the host assembled from one config, and the modules behind it. */
export interface Generation<App> {
  readonly app: App;
  readonly assembly: Assembly;
}

export interface ModuleHostOptions<Config, App> {
  registry: Registry;
  logger: Logger;
  /** Builds the host's app from a config, loading modules through `loader`. Must not start serving. */
  assemble(config: Config, loader: ModuleLoader): Promise<App>;
  /** Puts a started app into service (bind, swap); when it throws the previous app keeps serving. */
  activate?(app: App, previous: App | undefined): Promise<void>;
  /** Waits until a replaced app has no work left (drain), before its modules stop. */
  retire?(app: App): Promise<void>;
}

export interface ModuleHost<Config, App> extends AsyncDisposable {
  /** The app now serving, if any. */
  readonly current: App | undefined;
  /**
   * Atomic (re)load: the new config is assembled (provision, validate) and started before it replaces
   * the old one; on any failure the old one keeps serving and the error is thrown (RELOAD_FAILED on reload).
   */
  load(config: Config): Promise<App>;
  /** Assembles a config and tears it down again: every problem, nothing started. */
  check(config: Config): Promise<void>;
  /** Retires and stops the current app. */
  stop(): Promise<void>;
}

export function createModuleHost<Config, App>(options: ModuleHostOptions<Config, App>): ModuleHost<Config, App> {
  const { registry, logger } = options;
  let current: Generation<App> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const assemble = async (config: Config): Promise<Generation<App>> => {
    const assembly = createAssembly({ registry, logger });
    const loader: ModuleLoader = { load: (namespace, raw, path) => assembly.load(namespace, raw, path) as never };
    let app: App;
    try {
      app = await options.assemble(config, loader);
    } catch (error) {
      await assembly.cleanup();
      throw error;
    }
    await assembly.finish();
    return { app, assembly };
  };

  const retire = async (generation: Generation<App>) => {
    await options.retire?.(generation.app);
    await generation.assembly.stop();
    await generation.assembly.cleanup();
  };

  const host: ModuleHost<Config, App> = {
    get current() {
      return current?.app;
    },
    load: (config) =>
      serial(async () => {
        const previous = current;
        try {
          const next = await assemble(config);
          await next.assembly.start();
          try {
            await options.activate?.(next.app, previous?.app);
          } catch (error) {
            await next.assembly.stop();
            await next.assembly.cleanup();
            throw error;
          }
          current = next;
          if (previous) await retire(previous);
          logger.info({ modules: next.assembly.modules.length, reload: previous !== undefined }, "config loaded");
          return next.app;
        } catch (error) {
          if (!previous) throw error;
          const message = isLoomError(error) || error instanceof Error ? error.message : String(error);
          throw new LoomError(ErrorCode.RELOAD_FAILED, `reload refused, the previous config keeps serving: ${message}`, {
            cause: error,
            diagnostics: isLoomError(error) ? error.diagnostics : [],
          });
        }
      }),
    check: (config) =>
      serial(async () => {
        const generation = await assemble(config);
        await generation.assembly.cleanup();
      }),
    stop: () =>
      serial(async () => {
        const generation = current;
        current = undefined;
        if (generation) await retire(generation);
      }),
    [Symbol.asyncDispose]: () => host.stop(),
  };
  return host;
}
