/** The log levels a plugin's record can have: pino's names. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/** A structured log record a plugin wrote as one JSON line. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly msg: string;
  /** Every other field of the record. */
  readonly fields: Record<string, unknown>;
}

const NAMES = new Set<string>(["trace", "debug", "info", "warn", "error", "fatal"]);
/** Fields pino writes itself: the host's logger writes its own. */
const OWN_FIELDS = new Set(["level", "time", "msg", "pid", "hostname", "v", "__proto__"]);

/** A pino level number or name as a level name: 10 trace … 60 fatal; numbers in between round down. */
export function toLogLevel(level: unknown, fallback: LogLevel): LogLevel {
  if (typeof level === "string") return NAMES.has(level) ? (level as LogLevel) : fallback;
  if (typeof level !== "number" || !Number.isFinite(level)) return fallback;
  if (level >= 60) return "fatal";
  if (level >= 50) return "error";
  if (level >= 40) return "warn";
  if (level >= 30) return "info";
  if (level >= 20) return "debug";
  return "trace";
}

/**
 * Reads a line as a structured record (docs/protocol.md, "File descriptors"): a JSON object with a `msg`
 * string, whose `level` is a pino number or name (`fallback` when absent or unknown). Anything else is
 * plain text: undefined.
 */
export function parseLogLine(text: string, fallback: LogLevel): LogRecord | undefined {
  if (text.charCodeAt(0) !== 0x7b /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.msg !== "string") return undefined;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (!OWN_FIELDS.has(key)) fields[key] = record[key];
  return { level: toLogLevel(record.level, fallback), msg: record.msg, fields };
}
