import type { Logger } from "../logger.ts";
import type { ModuleContext } from "../module.ts";

const ignore = (): void => undefined;

/** A logger that drops everything. */
export const noopLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  fatal: ignore,
  child: () => noopLogger,
};

/**
 * A small real module context for a plugin's unit tests: create a module from its definition and call
 * it directly. Guest loading throws unless `loadModule` is given.
 */
export function createTestContext(
  id: string,
  options: { logger?: Logger; path?: string; signal?: AbortSignal; loadModule?: ModuleContext["loadModule"] } = {},
): ModuleContext {
  return {
    id,
    path: options.path ?? "test",
    logger: options.logger ?? noopLogger,
    signal: options.signal ?? new AbortController().signal,
    loadModule:
      options.loadModule ??
      (() => {
        throw new Error(`${id}: this test context loads no guest modules`);
      }),
  };
}
