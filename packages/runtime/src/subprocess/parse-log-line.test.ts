import { describe, expect, it } from "vitest";
import { parseLogLine, toLogLevel } from "./parse-log-line.ts";

describe("parseLogLine", () => {
  it("reads a pino record: level number, msg, other fields; drops pino's own fields", () => {
    const line = JSON.stringify({ level: 50, time: 1, pid: 9, hostname: "h", msg: "boom", user: "ann", err: { message: "x" } });
    expect(parseLogLine(line, "warn")).toEqual({ level: "error", msg: "boom", fields: { user: "ann", err: { message: "x" } } });
  });

  it("accepts level names and falls back for unknown or missing levels", () => {
    expect(parseLogLine('{"level":"debug","msg":"m"}', "warn")?.level).toBe("debug");
    expect(parseLogLine('{"level":"loud","msg":"m"}', "warn")?.level).toBe("warn");
    expect(parseLogLine('{"msg":"m"}', "info")?.level).toBe("info");
    expect(toLogLevel(35, "warn")).toBe("info");
    expect(toLogLevel(70, "warn")).toBe("fatal");
  });

  it("treats anything else as plain text", () => {
    for (const text of ["plain", "{not json", '{"message":"no msg"}', "[1,2]", '{"msg":3}']) expect(parseLogLine(text, "warn")).toBeUndefined();
  });

  it("does not let a __proto__ key reach the fields' prototype", () => {
    const record = parseLogLine('{"msg":"m","__proto__":{"polluted":true}}', "warn");
    expect((record?.fields as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
