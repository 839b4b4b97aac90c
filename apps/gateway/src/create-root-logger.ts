import pino from "pino";
import type { Logger } from "pino";

/**
 * The one root logger of the gateway process: JSON lines to stdout through sonic-boom (in-process, no
 * transport worker threads, so it works inside a bundle). Lines written during one turn of the event
 * loop leave in one synchronous write at the end of that turn: under load an access line costs no
 * syscall of its own, and no libuv thread-pool hop (an asynchronous write per turn cost about a quarter
 * of the gateway's throughput in pnpm bench). No `pid` or `hostname` in every line (pino's default
 * base): a plugin process's lines carry their own `pid` (the runtime's `{ plugin, pid }` child), and a
 * second `pid` key in the same JSON object is a line that log stores such as Elasticsearch refuse.
 */
export function createRootLogger(level: string = "info"): { logger: Logger; flush(): void } {
  const boom = pino.destination({ dest: 1, sync: true });
  let pending = "";
  const flushPending = () => {
    if (pending === "") return;
    const batch = pending;
    pending = "";
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
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
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
