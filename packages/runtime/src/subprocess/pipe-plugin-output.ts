import type { Readable } from "node:stream";
import type { Logger } from "@loom/sdk";
import type { LogLevel } from "./parse-log-line.ts";
import { parseLogLine } from "./parse-log-line.ts";
import { createLineSplitter } from "./split-lines.ts";

const decoder = new TextDecoder("utf-8", { fatal: false });
/** A stderr line kept for error messages is cut after this many characters. */
const TAIL_LINE_CHARS = 500;
/** Dropped lines are reported at most once per this period. */
const DROP_REPORT_MS = 1000;

export interface PluginOutputOptions {
  /** The plugin process's logger, bound to `{ plugin, pid }`. */
  logger: Logger;
  maxLineBytes: number;
  maxLinesPerSecond: number;
  tailLines: number;
  /** Told how many lines were dropped, each time drops are reported. */
  onDropped?: (count: number) => void;
}

/** A plugin's stdout and stderr as log lines; see pipePluginOutput. */
export interface PluginOutput {
  /** The last stderr lines, oldest first, for crash and start-failure messages. */
  tail(): string[];
  /** Lines dropped by the rate limit so far. */
  readonly dropped: number;
  /** Resolves when both streams have ended (or at once if they already have). */
  readonly ended: Promise<void>;
  /** Reports pending drops and stops the report timer. */
  close(): void;
}

/**
 * Reads a plugin's stdout and stderr line by line, always (a plugin blocks when a pipe fills up), and
 * re-emits each line under its logger with `{ stream }`: stdout at info, stderr at warn, a stderr line
 * that is a JSON object with `msg` as a record at its own level with its fields (docs/protocol.md).
 * Lines are cut at `maxLineBytes`. A flood is sampled: at most `maxLinesPerSecond` lines per second
 * are re-emitted, the rest are counted and reported once a second, so neither side ever waits.
 */
export function pipePluginOutput(stdout: Readable, stderr: Readable, options: PluginOutputOptions): PluginOutput {
  const { logger } = options;
  const tail: string[] = [];
  let tokens = options.maxLinesPerSecond;
  let refilledAt = Date.now();
  let dropped = 0;
  let unreported = 0;
  let reportTimer: NodeJS.Timeout | undefined;

  const report = () => {
    reportTimer = undefined;
    if (unreported === 0) return;
    const count = unreported;
    unreported = 0;
    logger.warn({ dropped: count, total: dropped }, `plugin output over ${options.maxLinesPerSecond} lines/s: ${count} lines dropped`);
    options.onDropped?.(count);
  };

  const admit = (): boolean => {
    const now = Date.now();
    if (now - refilledAt >= 1000) {
      tokens = options.maxLinesPerSecond;
      refilledAt = now;
    }
    if (tokens > 0) {
      tokens--;
      return true;
    }
    dropped++;
    unreported++;
    reportTimer ??= setTimeout(report, DROP_REPORT_MS).unref();
    return false;
  };

  const reader = (stream: "stdout" | "stderr", level: LogLevel) =>
    createLineSplitter(options.maxLineBytes, (bytes, truncated) => {
      const keepTail = stream === "stderr" && options.tailLines > 0;
      const admitted = admit();
      if (!admitted && !keepTail) return;
      // A dropped line is decoded only as far as the tail keeps it.
      const text = decoder.decode(admitted ? bytes : bytes.subarray(0, TAIL_LINE_CHARS * 4));
      if (keepTail) {
        tail.push(text.length > TAIL_LINE_CHARS ? `${text.slice(0, TAIL_LINE_CHARS)}…` : text);
        if (tail.length > options.tailLines) tail.shift();
      }
      if (!admitted) return;
      const record = stream === "stderr" && !truncated ? parseLogLine(text, level) : undefined;
      if (record) logger[record.level]({ ...record.fields, stream }, record.msg);
      else logger[level](truncated ? { stream, truncated: true } : { stream }, text);
    });

  const ended = Promise.all(
    ([
      [stdout, reader("stdout", "info")],
      [stderr, reader("stderr", "warn")],
    ] as const).map(
      ([stream, splitter]) =>
        new Promise<void>((resolve) => {
          stream.on("data", (chunk: Uint8Array) => splitter.push(chunk));
          stream.on("error", () => resolve());
          stream.on("close", () => resolve());
          stream.on("end", () => {
            splitter.end();
            resolve();
          });
        }),
    ),
  ).then(() => undefined);

  return {
    tail: () => [...tail],
    get dropped() {
      return dropped;
    },
    ended,
    close() {
      if (reportTimer) clearTimeout(reportTimer);
      report();
    },
  };
}
