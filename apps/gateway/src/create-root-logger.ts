import pino from "pino";
import type { Logger } from "pino";

/**
 * The one root logger of the gateway process: JSON lines to stdout through sonic-boom (in-process, no
 * transport worker threads, so it works inside a bundle). Lines written during one turn of the event
 * loop leave in one write: under load an access line costs no syscall of its own.
 */
export function createRootLogger(level: string = "info"): { logger: Logger; flush(): void } {
  const boom = pino.destination({ dest: 1, sync: false, minLength: 1 << 20, maxWrite: 1 << 21 });
  let scheduled = false;
  const flushSoon = () => {
    scheduled = false;
    boom.flush();
  };
  const destination = {
    write(line: string): boolean {
      boom.write(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushSoon);
      }
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
        boom.flushSync();
      } catch {
        // Nothing left to flush, or stdout is gone: either way there is nothing more to do.
      }
    },
  };
}
