import { describe, expect, it } from "vitest";
import { createJsonLogger } from "./create-json-logger.ts";

function capture(level?: "debug" | "warn") {
  const lines: string[] = [];
  const logger = createJsonLogger({ level, bindings: { component: "test" }, write: (line) => lines.push(line) });
  return { logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

describe("createJsonLogger", () => {
  it("writes one pino-style JSON line per record: level number, time, bindings, fields, msg", () => {
    const { logger, records, lines } = capture();
    logger.child({ module: "m" }).info({ served: 3, level: "ignored" }, "hello");
    logger.warn("careful");
    expect(lines.every((line) => line.endsWith("}\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    expect(records()).toEqual([
      { component: "test", module: "m", served: 3, level: 30, time: expect.any(Number), msg: "hello" },
      { component: "test", level: 40, time: expect.any(Number), msg: "careful" },
    ]);
  });

  it("drops records below its level", () => {
    const { logger, records } = capture("warn");
    logger.info("no");
    logger.debug("no");
    logger.error("yes");
    expect(records().map((r) => r.msg)).toEqual(["yes"]);
  });

  it("serializes errors as pino does, and keeps a record whose fields JSON cannot carry", () => {
    const { logger, records } = capture("debug");
    logger.error({ err: new TypeError("bad\nthing") }, "failed");
    logger.debug({ big: 1n }, "bigint");
    const [failed, big] = records();
    expect(failed).toMatchObject({ level: 50, msg: "failed", err: { type: "TypeError", message: "bad\nthing", stack: expect.stringContaining("TypeError") } });
    expect(big).toMatchObject({ level: 20, msg: "bigint", logError: expect.stringContaining("BigInt") });
  });
});
