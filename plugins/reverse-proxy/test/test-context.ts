import type { Logger } from "@loom/sdk";

export interface LogRecord {
  level: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that keeps what it is given, so tests can check what was logged. */
export function createRecordingLogger(records: LogRecord[] = []): Logger & { records: LogRecord[] } {
  const at =
    (level: LogRecord["level"]) =>
    (first: object | string, msg?: string): void => {
      if (typeof first === "string") records.push({ level, fields: {}, msg: first });
      else records.push({ level, fields: { ...first }, msg });
    };
  return {
    records,
    trace: at("trace"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    fatal: at("fatal"),
    child: () => createRecordingLogger(records),
  };
}
