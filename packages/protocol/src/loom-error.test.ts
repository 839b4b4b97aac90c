import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./format-diagnostic.ts";
import { ErrorCode } from "./error-codes.ts";
import { LoomError, isLoomError } from "./loom-error.ts";

describe("LoomError", () => {
  it("lists every diagnostic in its message and keeps them for JSON", () => {
    const error = LoomError.fromDiagnostics(ErrorCode.CONFIG_INVALID, "gateway.json has 2 problems:", [
      { code: "CONFIG_INVALID", file: "gateway.json", path: "routes[0].handle.root", message: "expected string", module: "http.handlers.static" },
      { code: "MODULE_UNKNOWN", path: "routes[1].handle.handler", message: 'unknown module "statc"', hint: 'did you mean "static"?' },
    ]);
    expect(error.message).toBe(
      [
        "gateway.json has 2 problems:",
        "  - gateway.json routes[0].handle.root: expected string (module http.handlers.static)",
        '  - routes[1].handle.handler: unknown module "statc"',
        '      hint: did you mean "static"?',
      ].join("\n"),
    );
    expect(error.toJSON()).toMatchObject({ code: "CONFIG_INVALID", diagnostics: [{ path: "routes[0].handle.root" }, { code: "MODULE_UNKNOWN" }] });
    expect(isLoomError(error)).toBe(true);
    expect(isLoomError(new Error("x"))).toBe(false);
  });

  it("formats a diagnostic with file and line", () => {
    expect(formatDiagnostic({ code: "CONFIG_SYNTAX", file: "a.json", line: 3, message: "column 5: expected a value" })).toBe(
      "a.json:3: column 5: expected a value",
    );
  });

  it("passes its cause on", () => {
    const cause = new Error("root cause");
    expect(new LoomError(ErrorCode.INTERNAL, "outer", { cause }).cause).toBe(cause);
  });
});
