import type { LogFn, Logger } from "../logger.ts";

/** pino's level numbers. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export type LogLevel = keyof typeof LOG_LEVELS;

export interface JsonLoggerOptions {
  /** The lowest level written. Default `info`. */
  level?: LogLevel;
  /** Fields on every line. */
  bindings?: Record<string, unknown>;
  /** Writes one line (with its `\n`); must be synchronous so nothing is lost at exit. */
  write: (line: string) => void;
}

/** pino's `err` serializer: the fields of an Error that survive JSON. */
function serializeError(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  return out;
}

function fieldsOf(obj: object): Record<string, unknown> {
  if (obj instanceof Error) return { err: serializeError(obj) };
  const err = (obj as { err?: unknown }).err;
  return err instanceof Error ? { ...obj, err: serializeError(err) } : { ...obj };
}

/**
 * A logger with pino's call shapes and output: one JSON object per line, `level` as pino's number, `time`
 * in epoch milliseconds, then bindings, fields and `msg`. A subprocess plugin writes these to stderr,
 * where the host reads each line as a structured record (docs/protocol.md, "File descriptors"). Kept in
 * the SDK so a plugin needs no pino of its own.
 */
export function createJsonLogger(options: JsonLoggerOptions): Logger {
  const min = LOG_LEVELS[options.level ?? "info"];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: number): LogFn =>
      ((objOrMsg: object | string, msg?: string) => {
        if (level < min) return;
        const fields = typeof objOrMsg === "string" ? {} : fieldsOf(objOrMsg);
        const text = typeof objOrMsg === "string" ? objOrMsg : msg;
        // A field named level or time cannot replace the record's own; a `msg` field is the message if none is given.
        const record: Record<string, unknown> = { ...bindings, ...fields, level, time: Date.now() };
        if (text !== undefined) record.msg = text;
        let line: string;
        try {
          line = JSON.stringify(record);
        } catch (error) {
          // A field JSON cannot carry (a BigInt, a cycle): keep the line, say why.
          line = JSON.stringify({ level, time: record.time, msg: String(record.msg ?? ""), logError: String(error) });
        }
        options.write(`${line}\n`);
      }) as LogFn;
    return {
      trace: at(LOG_LEVELS.trace),
      debug: at(LOG_LEVELS.debug),
      info: at(LOG_LEVELS.info),
      warn: at(LOG_LEVELS.warn),
      error: at(LOG_LEVELS.error),
      fatal: at(LOG_LEVELS.fatal),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make(options.bindings ?? {});
}
