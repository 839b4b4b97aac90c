import pino from "pino";
import type { Logger } from "pino";

/**
 * The one root logger of the gateway process: JSON lines to stdout through an asynchronous, in-process
 * destination (no transport worker threads, so it works inside a bundle), flushed on exit.
 */
export function createRootLogger(level: string = "info"): { logger: Logger; flush(): void } {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 0 });
  const logger = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label, number) => ({ level: number, levelName: label }) },
    },
    destination,
  );
  return {
    logger,
    flush: () => {
      try {
        destination.flushSync();
      } catch {
        // Nothing left to flush, or stdout is gone: either way there is nothing more to do.
      }
    },
  };
}
