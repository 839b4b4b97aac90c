import pino from "pino";
import type { Logger } from "pino";

/**
 * The one root logger of the gateway process: JSON lines to stdout through sonic-boom (in-process, no
 * transport worker threads, so it works inside a bundle). Lines written during one turn of the event
 * loop leave in one write: under load an access line costs no syscall of its own.
 */
export function createRootLogger(level: string = "info"): { logger: Logger; flush(): void } {
  const boom = pino.destination({ dest: 1, sync: false });
  let pending = "";
  const flushPending = () => {
    if (pending === "") return;
    const batch = pending;
    pending = "";
    // sonic-boom writes at once when idle and queues behind a write in progress: nothing waits.
    boom.write(batch);
  };
  const destination = {
    write(line: string): boolean {
      if (pending === "") setImmediate(flushPending);
      pending += line;
      return true;
    },
  };
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
        flushPending();
        boom.flushSync();
      } catch {
        // Nothing left to flush, or stdout is gone: either way there is nothing more to do.
      }
    },
  };
}
