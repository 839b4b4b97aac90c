import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import pino from "pino";
import type { Logger } from "@loom/sdk";
import type { SubprocessPluginOptions } from "../../src/index.ts";

/** A fixture plugin's path. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** Options for a Node fixture plugin with test-sized timeouts. */
export function nodePlugin(file: string, overrides: Partial<SubprocessPluginOptions> = {}): SubprocessPluginOptions {
  return {
    name: file.replace(/\.mjs$/, ""),
    command: process.execPath,
    args: [fixture(file)],
    startTimeoutMs: 5_000,
    healthIntervalMs: 0,
    shutdownTimeoutMs: 2_000,
    killGraceMs: 500,
    cancelGraceMs: 2_000,
    restart: { initialDelayMs: 50, maxDelayMs: 400, jitter: 0.2 },
    ...overrides,
  };
}

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A real pino logger writing JSON lines into memory. */
export function memoryLogger(level = "debug"): { logger: Logger; records: () => LogRecord[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = pino({ level }, stream) as unknown as Logger;
  return { logger, records: () => lines.flatMap((text) => text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as LogRecord)) };
}

/**
 * True while a process is alive: it exists and is not a zombie. A zombie (state Z) has exited; if
 * its parent is pid 1 it is only waiting to be reaped (docs: "count live processes only").
 */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Polls `predicate` every `intervalMs` until true; throws after `timeoutMs` (bounded by count too). */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 3_000, intervalMs = 20): Promise<number> {
  const started = Date.now();
  const maxRounds = Math.ceil(timeoutMs / intervalMs) + 1;
  for (let round = 0; round < maxRounds; round++) {
    if (predicate()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Waits until the process is gone; returns how long it took. */
export function waitGone(pid: number, timeoutMs = 3_000): Promise<number> {
  return waitFor(() => !isAlive(pid), `pid ${pid} to be gone`, timeoutMs);
}

/** The error a promise rejects with (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected the promise to reject");
}
