import type { Logger, ModuleContext } from "@loom/sdk";

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

/** A small real module context for unit tests. */
export function createTestContext(id: string): ModuleContext {
  return {
    id,
    path: "test",
    logger: noopLogger,
    signal: new AbortController().signal,
    loadModule: () => {
      throw new Error("no guests");
    },
  };
}
